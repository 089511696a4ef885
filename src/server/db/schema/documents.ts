import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';

/**
 * Files from Google Drive with their extracted text (capped), kept only while they name at least one
 * contact who consented to document ingestion; `search_text` is the folded title + text
 * (modules/contacts/search-text.ts foldText), searched through its trigram index.
 */
export const documents = pgTable(
  'documents',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    source: text('source').notNull().default('drive'),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    mimeType: text('mime_type').notNull(),
    webUrl: text('web_url'),
    extractedText: text('extracted_text').notNull().default(''),
    searchText: text('search_text').notNull().default(''),
    /** What Drive says identifies this content (md5Checksum, or the Docs version): unchanged → not read again. */
    contentHash: text('content_hash'),
    /** Drive's modifiedTime (the row's creation time for rows from before Drive sync). */
    modifiedAt: ts('modified_at').notNull().default(sql`now()`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('documents_external_uq').on(t.userId, t.source, t.externalId),
    index('documents_user_modified_idx').on(t.userId, t.modifiedAt, t.id),
    index('documents_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);

/** Which contacts a document names (title or text, by name or email); one row per document × contact. */
export const documentContacts = pgTable(
  'document_contacts',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.contactId] }), index('document_contacts_contact_idx').on(t.contactId, t.documentId)],
);
