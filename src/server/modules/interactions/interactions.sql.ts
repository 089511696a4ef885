import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts, interactions } from '../../db/schema/index.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';

const i = alias(interactions, 'i');
const c = alias(contacts, 'c');

/**
 * The API shape of an interaction aliased `i` with its contact aliased `c`, built by PostgreSQL
 * so a page is never parsed and re-serialised in Node.
 */
export const interactionJson = renderedFragment(sql`json_build_object(
  'version', ${i.version},
  'id', ${i.id},
  'contactId', ${i.contactId},
  'type', ${i.type},
  'subject', ${i.subject},
  'content', ${i.content},
  'occurredAt', ${isoSql(i.occurredAt)},
  'source', ${i.source},
  'sourceId', ${i.sourceId},
  'sentiment', ${i.sentiment},
  'private', ${i.isPrivate},
  'createdAt', ${isoSql(i.createdAt)},
  'updatedAt', ${isoSql(i.updatedAt)},
  'contact', json_build_object('id', ${c.id}, 'name', ${c.name}, 'photoUrl', ${photoUrlSql(c.photoId)})
)`);

/** Keyset key of an interaction: its time as ISO text, which ::timestamptz reads back exactly. */
export const occurredKey = isoSql(i.occurredAt);
