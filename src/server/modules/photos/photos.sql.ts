import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contactPhotos } from '../../db/schema/index.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';

const p = alias(contactPhotos, 'p');

/** The API shape of a photo (alias `p` of contact_photos), built by PostgreSQL. */
export const photoJson = (isActive: SQL) => sql`json_build_object(
  'id', ${p.id},
  'contactId', ${p.contactId},
  'url', ${photoUrlSql(p.id)},
  'width', ${p.width},
  'height', ${p.height},
  'byteSize', ${p.byteSize},
  'createdAt', ${isoSql(p.createdAt)},
  'isActive', ${isActive}
)`;
