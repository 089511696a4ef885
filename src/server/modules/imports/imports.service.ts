import { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AppError, notFound } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import type { ImportField, ImportJob, ImportPreview, ImportReport, StartImportFields } from '../../../shared/api/imports.js';
import type { createContactsService } from '../contacts/contacts.service.js';
import type { ImportedContact } from '../contacts/contacts-import.js';
import type { createPhotosService } from '../photos/photos.service.js';
import type { ImportsRepo } from './imports.repo.js';
import type { Draft, RowResult } from './draft.js';
import type { UploadStore } from '../../platform/upload-store.js';
import type { IngestDeps } from './calendar-ingest.js';

/** The parsers (csv-parse, ical.js, iconv-lite, libqp) are loaded by the first import or preview. */
const openImportFile = async (bytes: Buffer) => (await import('./reader.js')).openImportFile(bytes);
const calendarIngest = () => import('./calendar-ingest.js');

type Deps = {
  repo: ImportsRepo;
  contacts: ReturnType<typeof createContactsService>;
  photos: ReturnType<typeof createPhotosService>;
  /** Where the file waits on the embedded database (upload-store.ts); on PostgreSQL it is kept in the row. */
  uploads?: UploadStore;
  interactions: IngestDeps['interactions'];
  clock: () => Date;
  /** Queues the run on a worker (the import job); without a job runner (tests) the run starts in this process. */
  enqueue?: (importId: string) => Promise<unknown>;
  /** Told when a calendar file stored new or changed events (queues their AI classification); never awaited. */
  onCalendarStored?: (userId: string) => void;
};

const emptyReport = (): ImportReport => ({
  created: 0,
  updated: 0,
  skipped: 0,
  failed: 0,
  photosStored: 0,
  photosSkipped: 0,
  failures: [],
  warnings: [],
});

const view = ({ photo, ...d }: Draft) => ({ ...d, hasPhoto: photo !== null });
const toContact = ({ photo: _photo, ...d }: Draft): ImportedContact => d;

function checkMapping(mapping: ImportField[] | undefined, columns: number) {
  if (mapping && mapping.length !== columns) {
    throw new AppError(
      'bad_request',
      `The mapping names ${mapping.length} fields but the file has ${columns} columns. Send one field per column.`,
    );
  }
}

export function createImportsService({ repo, contacts, photos, uploads, interactions, clock, enqueue, onCalendarStored }: Deps) {
  const ingestDeps: IngestDeps = { repo, interactions, clock };

  /** Reads the stored file and writes its rows batch by batch, through the contacts and photos services. */
  async function run(importId: string, log?: { error(obj: object, msg: string): void }): Promise<void> {
    const job = await repo.claim(importId);
    if (!job) return;
    const actor: Actor = { userId: job.userId, sessionIdHash: '' };
    // An interrupted run's rows are written, with their report: this run goes on after them.
    const resumeAfter = job.processed;
    const report = resumeAfter > 0 && job.report ? job.report : emptyReport();
    const note = (list: ImportReport['failures'], issue: ImportReport['failures'][number]) => {
      if (list.length < LIMITS.imports.reportIssues) list.push(issue);
    };
    try {
      const bytes = job.file ?? (await uploads?.get(importId));
      if (!bytes) throw new AppError('bad_request', 'the uploaded file is no longer on the server; upload it again');
      const file = await openImportFile(bytes);
      if (file.calendarText !== undefined) {
        const { ingestCalendar } = await calendarIngest();
        const { failures, ...counts } = await ingestCalendar(ingestDeps, job.userId, file.calendarText, { kind: 'file' }, (done, all) =>
          repo.setProgress(importId, done, all),
        );
        for (const f of failures) note(report.failures, f);
        Object.assign(report, { created: counts.created, updated: counts.updated, skipped: counts.unchanged, failed: failures.length });
        report.calendar = counts;
        await repo.finish(job.userId, importId, 'finished', report);
        if (counts.created || counts.updated) onCalendarStored?.(job.userId);
        await uploads?.remove(importId);
        return;
      }
      let total = 0;
      for await (const _row of file.rows((job.mapping ?? undefined) as ImportField[] | undefined)) total++;
      let processed = resumeAfter;
      let seen = 0;
      let batch: RowResult[] = [];
      const flush = async () => {
        const good = batch.filter((r) => r.draft);
        if (good.length) {
          const outcomes = await contacts.importBatch(
            job.userId,
            good.map((r) => toContact(r.draft!)),
            {
              duplicates: job.duplicates,
              tagIds: job.tagIds,
              matchCreatedBefore: job.runStartedAt,
              // The batch's rows and its report commit together: a run killed after this never writes them twice.
              afterWrite: (outcomes, tx) => {
                const after = { ...report };
                for (const o of outcomes) after[o.outcome]++;
                return repo.saveProgress(importId, processed + batch.length, total, after, tx);
              },
            },
          );
          for (const [i, o] of outcomes.entries()) {
            report[o.outcome]++;
            const photo = good[i]!.draft!.photo;
            if (!photo) continue;
            // Kept only with the contact's photo consent, and never over a picture they already have.
            if (!o.hasPhotoConsent || o.hasPhoto) {
              report.photosSkipped++;
              continue;
            }
            try {
              await photos.upload(actor, o.contactId, Readable.from([photo]), {});
              report.photosStored++;
            } catch {
              report.photosSkipped++;
              note(report.warnings, { line: good[i]!.line, field: 'photo', reason: 'is not an image this server can read' });
            }
          }
        }
        processed += batch.length;
        batch = [];
        // Again with what happened after the commit (photos, rows refused before writing).
        await repo.saveProgress(importId, processed, total, report);
        await yieldToLoop();
      };
      for await (const row of file.rows((job.mapping ?? undefined) as ImportField[] | undefined)) {
        if (seen++ < resumeAfter) continue;
        for (const w of row.warnings) note(report.warnings, w);
        if (row.error) {
          report.failed++;
          note(report.failures, row.error);
        }
        batch.push(row);
        if (batch.length >= LIMITS.imports.batchRows) await flush();
      }
      await flush();
      await repo.finish(job.userId, importId, 'finished', report);
      await uploads?.remove(importId);
    } catch (err) {
      log?.error({ err, importId }, 'import failed');
      note(report.failures, {
        line: 0,
        field: 'file',
        reason: err instanceof AppError ? err.message : 'the import stopped on an unexpected error',
      });
      await repo.finish(job.userId, importId, 'failed', report);
      await uploads?.remove(importId);
    }
  }

  return {
    run,

    /** The import's job failed for good (its worker was stopped on every attempt): the import says so. */
    async failInterrupted(importId: string): Promise<void> {
      const report = emptyReport();
      report.failures.push({ line: 0, field: 'file', reason: 'the import was interrupted too many times; upload the file again' });
      const userId = await repo.failUnfinished(importId, report);
      if (userId) await uploads?.remove(importId);
    },

    /** What the file is, how its columns would map, and its first rows as they would be imported. */
    async preview(actor: Actor, bytes: Buffer, mapping?: ImportField[]): Promise<ImportPreview> {
      const file = await openImportFile(bytes);
      if (file.calendarText !== undefined) {
        if (mapping) throw new AppError('bad_request', 'A calendar file has no columns to map. Send it without "mapping".');
        const { readCalendar } = await import('./ics.js');
        const cal = await readCalendar(file.calendarText, { now: clock(), timezone: await repo.timezoneOf(actor.userId) });
        const known = new Set(
          (await repo.calendarContacts(actor.userId, [...new Set(cal.occurrences.flatMap((o) => o.emails))])).flatMap((c) => c.emails),
        );
        const withContacts = cal.occurrences.filter((o) => o.emails.some((e) => known.has(e))).length;
        return {
          format: file.format,
          encoding: file.encoding,
          delimiter: null,
          columns: [],
          total: cal.events,
          rows: [],
          calendar: { events: cal.events, occurrences: cal.occurrences.length, withContacts },
        };
      }
      checkMapping(mapping, file.headers.length);
      const columns = file.headers.map((header, index) => ({
        index,
        header,
        field: (mapping ?? file.proposed)[index]!,
        samples: file.samples[index] ?? [],
      }));
      const rows: ImportPreview['rows'] = [];
      let total = 0;
      for await (const row of file.rows(mapping)) {
        total++;
        if (rows.length < LIMITS.imports.previewRows)
          rows.push({ line: row.line, contact: row.draft ? view(row.draft) : null, error: row.error });
      }
      return { format: file.format, encoding: file.encoding, delimiter: file.delimiter, columns, total, rows };
    },

    /** Stores the file and queues its import; answers the import's id at once. */
    async start(actor: Actor, bytes: Buffer, filename: string, fields: StartImportFields): Promise<{ id: string }> {
      const file = await openImportFile(bytes);
      checkMapping(fields.mapping, file.headers.length);
      await contacts.requireTags(actor, fields.tagIds ?? []);
      const id = await repo.insert(actor.userId, {
        filename: filename.slice(0, 200),
        format: file.format,
        file: uploads ? null : bytes,
        mapping: fields.mapping ?? null,
        tagIds: fields.tagIds ?? [],
        duplicates: fields.duplicates,
        total: 0,
      });
      try {
        await uploads?.put(id, bytes);
        if (enqueue) await enqueue(id);
        else setImmediate(() => void run(id));
      } catch {
        // Not queued, so nothing would ever run it: it ends as failed (not waiting forever), and the
        // caller is told to try again.
        const report = emptyReport();
        report.failures.push({ line: 0, field: 'file', reason: 'the import could not be queued; upload the file again' });
        await repo.finish(actor.userId, id, 'failed', report);
        await uploads?.remove(id).catch(() => {});
        throw new AppError(
          'unavailable',
          'The import could not be queued right now. Try again in a moment.',
          undefined,
          LIMITS.database.retryAfterSeconds,
        );
      }
      return { id };
    },

    async get(actor: Actor, id: string): Promise<ImportJob> {
      const job = await repo.find(actor.userId, id);
      if (!job) throw notFound('Import');
      return job;
    },
  };
}
