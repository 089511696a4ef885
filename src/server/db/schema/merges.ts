import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';

/** Pairs the user said are not the same person: never proposed as duplicates again. contactA < contactB. */
export const duplicateDismissals = pgTable(
  'duplicate_dismissals',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactA: uuid('contact_a')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    contactB: uuid('contact_b')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.contactA, t.contactB] }),
    index('duplicate_dismissals_user_idx').on(t.userId),
    index('duplicate_dismissals_b_idx').on(t.contactB),
    check('duplicate_dismissals_ordered', sql`${t.contactA} < ${t.contactB}`),
  ],
);

/**
 * What a merge changed, so that it can be undone: the merged-away contacts' rows, the primary's
 * previous row, the ids of the rows moved per table (with the contact each came from) and the link
 * rows removed because the primary already had them. Erasing the primary erases its merges too.
 */
export const contactMerges = pgTable(
  'contact_merges',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    primaryId: uuid('primary_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    mergedIds: uuid('merged_ids').array().notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    /** Names (as they were) and moved-row counts, for the merge history. */
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    undoneAt: ts('undone_at'),
  },
  (t) => [index('contact_merges_user_created_idx').on(t.userId, t.createdAt, t.id), index('contact_merges_primary_idx').on(t.primaryId)],
);
