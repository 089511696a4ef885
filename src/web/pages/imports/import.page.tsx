import { useState, type DragEvent } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../../api/api-client';
import { useImportJob, usePreviewImport, useStartImport, type DuplicatePolicy } from '../../api/imports.api';
import { useTags } from '../../api/tags.api';
import type { ImportField, ImportJob, ImportPreview } from '../../../shared/api/imports';
import { ErrorNotice, PageHeader, ProgressBar, Spinner } from '../../components/ui';

const FIELD_LABELS: Record<ImportField, string> = {
  ignore: 'Do not import',
  name: 'Full name',
  firstName: 'First name',
  middleName: 'Middle name',
  lastName: 'Last name',
  prefix: 'Name prefix',
  suffix: 'Name suffix',
  email: 'Email',
  phone: 'Phone',
  birthday: 'Birthday',
  anniversary: 'Anniversary',
  importantDates: 'Important dates',
  notes: 'Notes',
  organization: 'Organisation',
  title: 'Job title',
  address: 'Address (custom field)',
  custom: 'Custom field',
};

/** Every field (the record's type makes it list them all), in this order. */
const IMPORT_FIELDS = Object.keys(FIELD_LABELS) as ImportField[];

const DUPLICATE_LABELS: Record<DuplicatePolicy, string> = {
  skip: 'Skip them: keep my contacts as they are',
  update: 'Update them with what the file adds (new emails, phones, dates, notes)',
  create: 'Create new contacts anyway',
};

/** The failed rows as a CSV a person can open next to the file (line, field, reason). */
function failuresCsv(job: ImportJob): string {
  const quote = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;
  const rows = (job.report?.failures ?? []).map((f) => [f.line, f.field, f.reason].map(quote).join(','));
  return `\uFEFF${['"Line","Field","Reason"', ...rows].join('\r\n')}\r\n`;
}

function Report({ job }: { job: ImportJob }) {
  const r = job.report;
  if (!r) return null;
  const href = `data:text/csv;charset=utf-8,${encodeURIComponent(failuresCsv(job))}`;
  return (
    <section aria-labelledby="import-report" className="card space-y-3 p-5">
      <h2 id="import-report" className="text-lg font-semibold">
        {job.status === 'failed' ? 'The import stopped' : 'Import finished'}
      </h2>
      {r.calendar && (
        <ul className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="import-calendar-report">
          <li>
            <strong>{r.calendar.events}</strong> events
          </li>
          <li>
            <strong>{r.calendar.occurrences}</strong> occurrences
          </li>
          <li>
            <strong>{r.calendar.unmatched}</strong> without a contact
          </li>
          <li>
            <strong>{r.calendar.removed}</strong> meetings removed
          </li>
        </ul>
      )}
      <ul className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4" data-testid="import-report">
        <li>
          <strong>{r.created}</strong> {r.calendar ? 'meetings created' : 'created'}
        </li>
        <li>
          <strong>{r.updated}</strong> {r.calendar ? 'meetings updated' : 'updated'}
        </li>
        <li>
          <strong>{r.skipped}</strong> {r.calendar ? 'meetings unchanged' : 'skipped'}
        </li>
        <li>
          <strong>{r.failed}</strong> failed
        </li>
      </ul>
      {r.photosSkipped > 0 && (
        <p className="text-sm text-muted">
          {r.photosSkipped} {r.photosSkipped === 1 ? 'photo was' : 'photos were'} not kept: photos are stored only for contacts who gave
          photo consent.
        </p>
      )}
      {r.failures.length > 0 && (
        <>
          <table className="w-full text-left text-sm">
            <thead>
              <tr>
                <th>Line</th>
                <th>Field</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {r.failures.slice(0, 50).map((f) => (
                <tr key={`${f.line}-${f.field}`}>
                  <td>{f.line}</td>
                  <td>{f.field}</td>
                  <td>{f.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <a className="btn-secondary" href={href} download="import-failures.csv">
            Download the failed rows
          </a>
        </>
      )}
      <Link href="/contacts" className="btn-primary">
        Go to contacts
      </Link>
    </section>
  );
}

function MappingTable({
  preview,
  mapping,
  onChange,
}: {
  preview: ImportPreview;
  mapping: ImportField[];
  onChange: (m: ImportField[]) => void;
}) {
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr>
          <th>Column in the file</th>
          <th>Values</th>
          <th>Import as</th>
        </tr>
      </thead>
      <tbody>
        {preview.columns.map((c) => (
          <tr key={c.index}>
            <td>{c.header || `Column ${c.index + 1}`}</td>
            <td className="max-w-xs truncate text-muted">{c.samples.join(', ')}</td>
            <td>
              <select
                className="input py-1"
                aria-label={`Import column ${c.header || c.index + 1} as`}
                value={mapping[c.index]}
                onChange={(e) => onChange(mapping.map((f, i) => (i === c.index ? (e.target.value as ImportField) : f)))}
              >
                {IMPORT_FIELDS.map((f) => (
                  <option key={f} value={f}>
                    {FIELD_LABELS[f]}
                  </option>
                ))}
              </select>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Drop a file → check the columns and the first rows → choose what happens to people already here → watch it run → read the report. */
export default function ImportPage() {
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<ImportField[]>([]);
  const [duplicates, setDuplicates] = useState<DuplicatePolicy>('skip');
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [jobId, setJobId] = useState<string | null>(null);
  const preview = usePreviewImport();
  const start = useStartImport();
  const job = useImportJob(jobId);
  const tags = useTags();

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setJobId(null);
    preview.mutate({ file: f }, { onSuccess: (p) => setMapping(p.columns.map((c) => c.field)) });
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    choose(e.dataTransfer.files[0]);
  };
  const refresh = () => file && preview.mutate({ file, mapping: mapping.length ? mapping : undefined });
  const running = job.data && (job.data.status === 'queued' || job.data.status === 'running');
  const p = preview.data;

  return (
    <div className="mx-auto max-w-4xl space-y-4">
      <PageHeader
        title="Import contacts or a calendar"
        subtitle="From Google Contacts, Outlook, a phone or any CSV or vCard (.vcf) file; meetings from a calendar export (.ics)."
      />
      <label
        className="card flex cursor-pointer flex-col items-center gap-2 border-2 border-dashed p-8 text-center"
        onDragOver={(e) => e.preventDefault()}
        onDrop={onDrop}
      >
        <span className="font-semibold">{file ? file.name : 'Drop a CSV, vCard or calendar (.ics) file here, or choose one'}</span>
        <span className="text-sm text-muted">Up to 40 MB. Nothing is saved until you start the import.</span>
        <input
          type="file"
          accept=".csv,.vcf,.vcard,.ics,text/csv,text/vcard,text/calendar"
          className="sr-only"
          aria-label="Contacts or calendar file"
          onChange={(e) => choose(e.target.files?.[0])}
        />
      </label>
      {preview.isPending && <Spinner label="Reading the file" />}
      {preview.error && <ErrorNotice error={preview.error} title="The file could not be read" />}
      {p?.calendar && !jobId && (
        <section aria-labelledby="import-preview" className="card space-y-4 p-5">
          <h2 id="import-preview" className="text-lg font-semibold">
            {p.calendar.events} {p.calendar.events === 1 ? 'event' : 'events'} in this calendar file
          </h2>
          <p className="text-sm text-muted">
            {p.calendar.occurrences} {p.calendar.occurrences === 1 ? 'occurrence' : 'occurrences'} from two years ago to a year ahead
            (repeating events counted once per date); {p.calendar.withContacts} with one of your contacts. Each occurrence with one of your
            contacts as organiser or attendee, matched by email and with calendar consent, becomes a meeting on their timeline. Importing
            the file again updates those meetings.
          </p>
          {start.error && <p className="text-sm text-danger">{errorMessage(start.error)}</p>}
          <button
            type="button"
            className="btn-primary"
            disabled={start.isPending || !file}
            onClick={() => file && start.mutate({ file, duplicates, tagIds: [] }, { onSuccess: ({ id }) => setJobId(id) })}
          >
            Import {p.calendar.events} {p.calendar.events === 1 ? 'event' : 'events'}
          </button>
        </section>
      )}
      {p && !p.calendar && !jobId && (
        <section aria-labelledby="import-preview" className="card space-y-4 p-5">
          <h2 id="import-preview" className="text-lg font-semibold">
            {p.total} {p.total === 1 ? 'contact' : 'contacts'} in this {p.format === 'csv' ? 'CSV' : 'vCard'} file
          </h2>
          <p className="text-sm text-muted">
            Encoding {p.encoding}
            {p.delimiter ? `, columns separated by ${p.delimiter === '\t' ? 'tabs' : `“${p.delimiter}”`}` : ''}.
          </p>
          {p.columns.length > 0 && (
            <>
              <MappingTable preview={p} mapping={mapping} onChange={setMapping} />
              <button type="button" className="btn-secondary" onClick={refresh}>
                Show the rows with this mapping
              </button>
            </>
          )}
          <table className="w-full text-left text-sm" data-testid="import-rows">
            <thead>
              <tr>
                <th>Line</th>
                <th>Name</th>
                <th>Emails</th>
                <th>Phones</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  {r.contact ? (
                    <>
                      <td>{r.contact.name}</td>
                      <td>{r.contact.emails.join(', ')}</td>
                      <td>{r.contact.phones.join(', ')}</td>
                    </>
                  ) : (
                    <td colSpan={3} className="text-danger">
                      Will fail: {r.error?.field} {r.error?.reason}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <fieldset>
            <legend className="label">People who are already in your contacts (same email or phone)</legend>
            {(Object.keys(DUPLICATE_LABELS) as DuplicatePolicy[]).map((d) => (
              <label key={d} className="flex items-center gap-2 text-sm">
                <input type="radio" name="duplicates" value={d} checked={duplicates === d} onChange={() => setDuplicates(d)} />
                {DUPLICATE_LABELS[d]}
              </label>
            ))}
          </fieldset>
          {(tags.data?.length ?? 0) > 0 && (
            <fieldset>
              <legend className="label">Tag everyone imported</legend>
              <div className="flex flex-wrap gap-3">
                {tags.data!.map((t) => (
                  <label key={t.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={tagIds.includes(t.id)}
                      onChange={() => setTagIds(tagIds.includes(t.id) ? tagIds.filter((x) => x !== t.id) : [...tagIds, t.id])}
                    />
                    {t.name}
                  </label>
                ))}
              </div>
            </fieldset>
          )}
          {start.error && <p className="text-sm text-danger">{errorMessage(start.error)}</p>}
          <button
            type="button"
            className="btn-primary"
            disabled={start.isPending || !file}
            onClick={() =>
              file &&
              start.mutate(
                { file, mapping: p.columns.length ? mapping : undefined, duplicates, tagIds },
                { onSuccess: ({ id }) => setJobId(id) },
              )
            }
          >
            Import {p.total} {p.total === 1 ? 'contact' : 'contacts'}
          </button>
        </section>
      )}
      {jobId && running && (
        <section className="card space-y-2 p-5" aria-live="polite">
          <p>
            Importing… {job.data!.processed} of {job.data!.total || '…'}
          </p>
          <ProgressBar value={job.data!.total ? job.data!.processed / job.data!.total : 0} label="Import progress" />
        </section>
      )}
      {job.error && <ErrorNotice error={job.error} title="The import could not be followed" />}
      {job.data && !running && <Report job={job.data} />}
    </div>
  );
}
