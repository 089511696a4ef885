import { sql, type SQL } from 'drizzle-orm';
import { isoSql } from '../../db/sql-helpers.js';

/** The API shape of a photo (alias `p` of contact_photos), built by PostgreSQL. */
export const photoJson = (isActive: SQL) => sql`json_build_object(
  'id', p.id,
  'contactId', p.contact_id,
  'url', '/api/photos/' || p.id,
  'width', p.width,
  'height', p.height,
  'byteSize', p.byte_size,
  'createdAt', ${isoSql(sql`p.created_at`)},
  'isActive', ${isActive}
)`;
