import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { uniqueIds, uuidId } from './ids.js';
import { listContactsQuery } from './contacts.js';
import { csvList } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';

export const IMPORT_STATUSES = ['queued', 'running', 'finished', 'failed'] as const;
export const IMPORT_DUPLICATE_POLICIES = ['skip', 'update', 'create'] as const;
export const IMPORT_FORMATS = ['csv', 'vcard', 'ics'] as const;
/** A calendar subscription: never fetched yet, fetched (changed or not), or its last fetch failed. */
export const SUBSCRIPTION_STATUSES = ['pending', 'ok', 'failed'] as const;
export const IMPORT_ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;

/** What a CSV column can become; `custom` keeps the value in a custom field named after the column. */
export const IMPORT_FIELDS = [
  'ignore',
  'name',
  'firstName',
  'middleName',
  'lastName',
  'prefix',
  'suffix',
  'email',
  'phone',
  'birthday',
  'anniversary',
  'importantDates',
  'notes',
  'organization',
  'title',
  'address',
  'custom',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

const issue = z.strictObject({ line: z.number().int(), field: z.string(), reason: z.string() });
const count = z.number().int();

/** What a calendar (.ics) import or subscription fetch did. */
export const calendarCounts = z.strictObject({
  /** Distinct events (UIDs) in the file. */
  events: count,
  /** Occurrences inside the import window (recurring events expanded). */
  occurrences: count,
  /** Timeline entries (one per occurrence and contact) created, updated, or already as in the file. */
  created: count,
  updated: count,
  unchanged: count,
  /** Entries an earlier import of these events wrote that are gone from the file, removed (as counted by interactions.removeFromSource). */
  removed: count,
  /** Occurrences with no contact (by organiser or attendee email, with calendar consent). */
  unmatched: count,
});
export type CalendarCounts = z.infer<typeof calendarCounts>;
export const importReport = z.strictObject({
  created: z.number().int(),
  updated: z.number().int(),
  /** Matched an existing contact and left it as it was (duplicates=skip, or nothing new in the row). */
  skipped: z.number().int(),
  failed: z.number().int(),
  photosStored: z.number().int(),
  /** Photos not kept: the contact has no photo consent, or the image could not be read. */
  photosSkipped: z.number().int(),
  /** Rows that were not imported, with why. */
  failures: z.array(issue),
  /** Values left out of rows that were imported (an address that is not an email, an unreadable date). */
  warnings: z.array(issue),
  /** Calendar (.ics) imports only. */
  calendar: calendarCounts.optional(),
});
export type ImportReport = z.infer<typeof importReport>;

/** A JSON array of field names, one per column of the file (as the preview lists them). */
const mappingField = z
  .string()
  .max(20_000)
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of field names, one per column' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.enum(IMPORT_FIELDS)).max(500));

/** The form fields that come with the file in POST /api/imports (multipart: every value is text). */
export const startImportFields = z.strictObject({
  mapping: mappingField.optional(),
  tagIds: z
    .string()
    .max(5_000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(uuidId('must be tag ids (UUIDs) separated by commas')).max(50))
    .optional(),
  duplicates: z.enum(IMPORT_DUPLICATE_POLICIES).default('skip'),
});
export type StartImportFields = z.output<typeof startImportFields>;

const draftContact = z.strictObject({
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  /** The file's label of each email and phone, by value ("work", "mobile"). */
  emailLabels: z.record(z.string(), z.string()),
  phoneLabels: z.record(z.string(), z.string()),
  birthday: z.string().nullable(),
  importantDates: z.array(z.strictObject({ label: z.string(), date: z.string() })),
  notes: z.string(),
  customFields: z.record(z.string(), z.string()),
  hasPhoto: z.boolean(),
});
export type DraftContactView = z.infer<typeof draftContact>;

export const importPreviewResponse = z.strictObject({
  format: z.enum(IMPORT_FORMATS),
  encoding: z.enum(IMPORT_ENCODINGS),
  /** CSV only. */
  delimiter: z.string().nullable(),
  /** CSV: each column with its proposed field and a few values; empty for vCards. */
  columns: z.array(
    z.strictObject({ index: z.number().int(), header: z.string(), field: z.enum(IMPORT_FIELDS), samples: z.array(z.string()) }),
  ),
  /** Rows (or cards) in the file. */
  total: z.number().int(),
  /** The first rows as they would be imported, or why they would fail. */
  rows: z.array(z.strictObject({ line: z.number().int(), contact: draftContact.nullable(), error: issue.nullable() })),
  /** Calendar (.ics) files: events, occurrences in the import window, and those with a contact (nothing is saved). */
  calendar: z.strictObject({ events: count, occurrences: count, withContacts: count }).optional(),
});
export type ImportPreview = z.infer<typeof importPreviewResponse>;

export const importResponse = z.strictObject({
  id: z.uuid(),
  status: z.enum(IMPORT_STATUSES),
  filename: z.string(),
  format: z.enum(IMPORT_FORMATS),
  duplicates: z.enum(IMPORT_DUPLICATE_POLICIES),
  total: z.number().int(),
  processed: z.number().int(),
  report: importReport.nullable(),
  createdAt: dateTimeOut,
  finishedAt: dateTimeOut.nullable(),
});
export type ImportJob = z.infer<typeof importResponse>;
export const importStartedResponse = z.strictObject({ id: z.uuid() });
export const importParams = z.strictObject({ id: uuidId('must be an import id (UUID)') });

/** The filters of GET /api/contacts (without paging), or a selection of ids. */
const exportFilters = listContactsQuery.omit({ cursor: true, limit: true, sort: true, order: true }).extend({
  ids: csvList
    .pipe(z.array(uuidId('must be contact ids (UUIDs) separated by commas')).max(LIMITS.export.ids).transform(uniqueIds))
    .optional(),
});
export const exportCsvQuery = exportFilters;
export const exportVcfQuery = exportFilters.extend({ version: z.enum(['4.0', '3.0']).default('4.0') });
export type ExportQuery = z.output<typeof exportCsvQuery>;
export type ExportVcfQuery = z.output<typeof exportVcfQuery>;
