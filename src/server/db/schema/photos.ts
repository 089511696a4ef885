import { sql } from 'drizzle-orm';
import { type AnyPgColumn, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { bytea, createdAt, id, ts } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';

/**
 * Processed 400×400 WebP photos. The bytes live in the database (a few tens of KB each) so that
 * every server instance can serve them without shared disk.
 */
export const contactPhotos = pgTable(
  'contact_photos',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references((): AnyPgColumn => contacts.id, { onDelete: 'cascade' }),
    source: text('source').notNull().default('upload'),
    mimeType: text('mime_type').notNull().default('image/webp'),
    sha256: text('sha256').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    byteSize: integer('byte_size').notNull(),
    data: bytea('data').notNull(),
    /** Soft delete: set when the user deletes the row (Undo clears it); purged for good later. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('contact_photos_contact_idx').on(t.contactId, t.createdAt),
    index('contact_photos_user_idx').on(t.userId, sql`${t.createdAt}`),
    index('contact_photos_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
  ],
);
