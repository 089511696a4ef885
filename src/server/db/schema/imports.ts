import { index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { bytea, createdAt, id, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { IMPORT_DUPLICATE_POLICIES, IMPORT_STATUSES, type ImportReport } from '../../../shared/api/imports.js';

export const importStatus = pgEnum('import_status', IMPORT_STATUSES);
export const importDuplicates = pgEnum('import_duplicates', IMPORT_DUPLICATE_POLICIES);

/**
 * A contacts import: the uploaded file (so any worker process can run it), what was asked, and
 * its progress and report. The file is dropped (set to null) once the import has finished.
 */
export const imports = pgTable(
  'imports',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: importStatus('status').notNull().default('queued'),
    filename: text('filename').notNull().default(''),
    format: text('format').notNull(),
    file: bytea('file'),
    /** Target field per CSV column (null: the proposed mapping). */
    mapping: jsonb('mapping').$type<string[] | null>(),
    tagIds: uuid('tag_ids').array().notNull().default([]),
    duplicates: importDuplicates('duplicates').notNull().default('skip'),
    total: integer('total').notNull().default(0),
    processed: integer('processed').notNull().default(0),
    report: jsonb('report').$type<ImportReport | null>(),
    /** Set when a run begins: contacts created after it are this run's own, not duplicates of the file's rows. */
    runStartedAt: ts('run_started_at'),
    finishedAt: ts('finished_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('imports_user_created_idx').on(t.userId, t.createdAt, t.id)],
);
