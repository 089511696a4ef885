import { and, eq, sql } from 'drizzle-orm';
import { imports, interactions, users } from '../../db/schema/index.js';
import { type Db, queryRows, transactionRunner } from '../../platform/db.js';
import { allowedContactIds } from '../consent/consent.repo.js';
import { contactsWithAnyEmail } from '../contacts/contacts.repo.js';
import { recordAudit } from '../audit/audit.repo.js';
import type { ImportJob, ImportReport } from '../../../shared/api/imports.js';

type NewImport = {
  filename: string;
  format: ImportJob['format'];
  /** Null when the file waits in the upload store (embedded database). */
  file: Buffer | null;
  mapping: string[] | null;
  tagIds: string[];
  duplicates: 'skip' | 'update' | 'create';
  total: number;
};

const view = {
  id: imports.id,
  status: imports.status,
  filename: imports.filename,
  format: imports.format,
  duplicates: imports.duplicates,
  total: imports.total,
  processed: imports.processed,
  report: imports.report,
  createdAt: imports.createdAt,
  finishedAt: imports.finishedAt,
};

/** `changed` runs after the writes that add an audit entry commit: the audit log is a cached read. */
export function createImportsRepo(db: Db, changed: (userId: string) => Promise<void>) {
  const transaction = transactionRunner(db);
  return {
    async timezoneOf(userId: string): Promise<string> {
      const [row] = await db.select({ timezone: users.timezone }).from(users).where(eq(users.id, userId));
      return row?.timezone ?? 'UTC';
    },

    /**
     * The user's contacts having any of these (lower-cased) emails, case-insensitively, kept only
     * when their calendar_ingestion consent allows it: each allowed contact with its lower-cased emails.
     */
    async calendarContacts(userId: string, emails: string[]): Promise<{ id: string; emails: string[] }[]> {
      const rows = await contactsWithAnyEmail(db, userId, emails);
      const allowed = await allowedContactIds(
        db,
        userId,
        'calendar_ingestion',
        rows.map((r) => r.id),
      );
      return rows.filter((r) => allowed.has(r.id));
    },

    /** The source ids of the user's entries that came from calendar files (`ics:…`), to find what a re-import dropped. */
    async calendarSourceIds(userId: string): Promise<string[]> {
      const rows = await queryRows<{ source_id: string }>(
        db,
        sql`select source_id from ${interactions}
            where user_id = ${userId} and source = 'import' and starts_with(source_id, 'ics:')`,
      );
      return rows.map((r) => r.source_id);
    },

    /** The import and its 'import.started' audit entry, in one transaction. */
    async insert(userId: string, values: NewImport): Promise<string> {
      const id = await transaction(async (tx) => {
        const [row] = await tx
          .insert(imports)
          .values({ ...values, userId })
          .returning({ id: imports.id });
        await recordAudit(tx, {
          userId,
          action: 'import.started',
          entityType: 'import',
          entityId: row!.id,
          details: { format: values.format, rows: values.total, duplicates: values.duplicates, tags: values.tagIds.length },
        });
        return row!.id;
      });
      await changed(userId);
      return id;
    },

    async find(userId: string, id: string): Promise<ImportJob | undefined> {
      const [row] = await db
        .select(view)
        .from(imports)
        .where(and(eq(imports.userId, userId), eq(imports.id, id)));
      return row
        ? ({ ...row, createdAt: row.createdAt.toISOString(), finishedAt: row.finishedAt?.toISOString() ?? null } as ImportJob)
        : undefined;
    },

    /**
     * Takes a queued (or interrupted) import for a run: marks it running and answers what the run
     * needs, with the rows already written and their report when an earlier run was interrupted
     * (the run resumes after them); undefined when it has finished already (a retry does nothing).
     */
    async claim(id: string) {
      const [row] = await db
        .update(imports)
        .set({ status: 'running', runStartedAt: sql`coalesce(${imports.runStartedAt}, clock_timestamp())`, updatedAt: sql`now()` })
        .where(and(eq(imports.id, id), sql`${imports.status} in ('queued', 'running')`))
        .returning({
          userId: imports.userId,
          file: imports.file,
          mapping: imports.mapping,
          tagIds: imports.tagIds,
          duplicates: imports.duplicates,
          runStartedAt: imports.runStartedAt,
          processed: imports.processed,
          report: imports.report,
        });
      return row ? { ...row, runStartedAt: row.runStartedAt! } : undefined;
    },

    /** Rows written so far and their report, in the transaction that wrote them (a resumed run starts after them). */
    async saveProgress(id: string, processed: number, total: number, report: ImportReport, tx: Db = db) {
      await tx.update(imports).set({ processed, total, report, updatedAt: sql`now()` }).where(eq(imports.id, id));
    },

    /** A job that failed for good (its worker stopped each time): the import says so, if it had not finished. */
    async failUnfinished(id: string, report: ImportReport) {
      const [row] = await db
        .update(imports)
        .set({ status: 'failed', report, file: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(imports.id, id), sql`${imports.status} in ('queued', 'running')`))
        .returning({ userId: imports.userId });
      return row?.userId;
    },

    async setProgress(id: string, processed: number, total: number) {
      await db.update(imports).set({ processed, total, updatedAt: sql`now()` }).where(eq(imports.id, id));
    },

    /** The report, the file dropped, and the 'import.finished' audit entry, in one transaction. */
    async finish(userId: string, id: string, status: 'finished' | 'failed', report: ImportReport) {
      await transaction(async (tx) => {
        await tx
          .update(imports)
          .set({ status, report, file: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
          .where(and(eq(imports.userId, userId), eq(imports.id, id)));
        await recordAudit(tx, {
          userId,
          action: 'import.finished',
          entityType: 'import',
          entityId: id,
          details: {
            status,
            created: report.created,
            updated: report.updated,
            skipped: report.skipped,
            failed: report.failed,
            photosStored: report.photosStored,
          },
        });
      });
      await changed(userId);
    },
  };
}
export type ImportsRepo = ReturnType<typeof createImportsRepo>;
