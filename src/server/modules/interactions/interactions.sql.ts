import { sql } from 'drizzle-orm';
import { isoSql } from '../../db/sql-helpers.js';

/** Photo URL of the contact aliased `c`; photos are served by id under /api/photos. */
export const photoUrlSql = sql`case when c.photo_id is null then null else '/api/photos/' || c.photo_id end`;

/**
 * The API shape of an interaction aliased `i` with its contact aliased `c`, built by PostgreSQL
 * so a page is never parsed and re-serialised in Node.
 */
export const interactionJson = sql`json_build_object(
  'id', i.id,
  'contactId', i.contact_id,
  'type', i.type,
  'subject', i.subject,
  'content', i.content,
  'occurredAt', ${isoSql(sql`i.occurred_at`)},
  'source', i.source,
  'sourceId', i.source_id,
  'sentiment', i.sentiment,
  'createdAt', ${isoSql(sql`i.created_at`)},
  'updatedAt', ${isoSql(sql`i.updated_at`)},
  'contact', json_build_object('id', c.id, 'name', c.name, 'photoUrl', ${photoUrlSql})
)`;

/** Keyset key of an interaction: its time as ISO text, which ::timestamptz reads back exactly. */
export const occurredKey = isoSql(sql`i.occurred_at`);
