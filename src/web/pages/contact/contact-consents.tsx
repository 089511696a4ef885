import { useState, type FormEvent } from 'react';
import { fieldErrors } from '../../api/api-client';
import { useConsentHistory, useConsentStates, useRecordConsent } from '../../api/privacy.api';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Field, Spinner } from '../../components/ui';
import { CONSENT_METHODS, CONSENT_PURPOSES, type ConsentMethod, type ConsentPurpose } from '../../../shared/domain';
import type { ConsentState } from '../../../shared/api/consents';
import { CONSENT_METHOD_LABELS, CONSENT_PURPOSE_LABELS } from '../../lib/labels';
import { formatDate, formatDateTime } from '../../lib/format';

/** The server's limits for an evidence note and file (LIMITS.consent.noteChars, evidenceBytes). */
const NOTE_MAX = 1000;
const FILE_MAX_MB = 5;

function describeState(s: ConsentState): { text: string; tone: string } {
  if (s.granted) return { text: s.expiresAt ? `Given, until ${formatDate(s.expiresAt)}` : 'Given', tone: 'border-brand bg-brand-soft' };
  if (s.expired) return { text: `Expired ${formatDate(s.expiresAt)}`, tone: 'border-line bg-raised' };
  if (s.since) return { text: 'Withdrawn', tone: 'border-danger/40 bg-danger-soft' };
  return { text: 'Not asked', tone: 'border-line bg-raised' };
}

function CurrentConsent({ contactId }: { contactId: string }) {
  const states = useConsentStates(contactId);
  if (states.isPending) return <Spinner label="Loading consent" />;
  if (!states.data) return <ErrorNotice error={states.error} title="Consent could not be loaded" onRetry={() => void states.refetch()} />;
  return (
    <ul className="divide-y divide-line" data-testid="consent-states">
      {states.data.purposes.map((s) => {
        const { text, tone } = describeState(s);
        return (
          <li key={s.purpose} className="flex flex-wrap items-center gap-2 py-2" data-testid={`consent-${s.purpose}`}>
            <span className="min-w-0 flex-1 text-sm font-medium">{CONSENT_PURPOSE_LABELS[s.purpose]}</span>
            <span className={`chip ${tone} text-ink`}>{text}</span>
            {s.since && (
              <span className="w-full text-xs text-muted sm:w-auto">
                {s.method ? CONSENT_METHOD_LABELS[s.method] : ''} · recorded {formatDateTime(s.since)}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function RecordConsentForm({ contactId }: { contactId: string }) {
  const record = useRecordConsent(contactId);
  const toast = useToast();
  const [purpose, setPurpose] = useState<ConsentPurpose>('photo_enrichment');
  const [decision, setDecision] = useState<'granted' | 'withdrawn'>('granted');
  const [method, setMethod] = useState<ConsentMethod>('form');
  const [note, setNote] = useState('');
  const [expires, setExpires] = useState('');
  const [expiryError, setExpiryError] = useState<string | undefined>();
  const [file, setFile] = useState<File | null>(null);
  const [fileKey, setFileKey] = useState(0);
  const [fileError, setFileError] = useState<string | undefined>();
  const errors = fieldErrors(record.error);
  const granted = decision === 'granted';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The expiry is the end of the chosen day in the browser's zone; it must be in the future.
    let expiresAt: string | null = null;
    if (granted && expires) {
      const end = new Date(`${expires}T23:59:59.999`);
      if (Number.isNaN(end.getTime()) || end.getTime() <= Date.now()) {
        setExpiryError('Choose a date from today on, or leave it empty for consent without an end.');
        return;
      }
      expiresAt = end.toISOString();
    }
    setExpiryError(undefined);
    if (file && file.size > FILE_MAX_MB * 1024 * 1024) {
      setFileError(`The file is larger than ${FILE_MAX_MB} MB. Choose a smaller scan or a PDF.`);
      return;
    }
    setFileError(undefined);
    record.mutate(
      { purpose, granted, method, note, expiresAt, file },
      {
        onSuccess: () => {
          toast.success(`${granted ? 'Consent' : 'Withdrawal'} recorded: ${CONSENT_PURPOSE_LABELS[purpose].toLowerCase()}.`);
          setNote('');
          setExpires('');
          setFile(null);
          setFileKey((k) => k + 1);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-labelledby="record-consent-title">
      <h3 id="record-consent-title" className="font-semibold">
        Record a decision
      </h3>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Purpose">
          {(p) => (
            <select {...p} className="input" value={purpose} onChange={(e) => setPurpose(e.target.value as ConsentPurpose)}>
              {CONSENT_PURPOSES.map((x) => (
                <option key={x} value={x}>
                  {CONSENT_PURPOSE_LABELS[x]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend className="label">Decision</legend>
          <div className="flex gap-4 pt-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="consent-decision" checked={granted} onChange={() => setDecision('granted')} />
              Consent given
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="consent-decision" checked={!granted} onChange={() => setDecision('withdrawn')} />
              Consent withdrawn
            </label>
          </div>
        </fieldset>
        <Field label="How it was given" error={errors.method}>
          {(p) => (
            <select {...p} className="input" value={method} onChange={(e) => setMethod(e.target.value as ConsentMethod)}>
              {CONSENT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {CONSENT_METHOD_LABELS[m]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {granted && (
          <Field label="Valid until" hint="Optional: the last day this consent covers." error={expiryError ?? errors.expiresAt}>
            {(p) => <input {...p} className="input" type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
          </Field>
        )}
      </div>
      <Field
        label="Evidence note"
        hint="Where the decision is kept, e.g. “Intake form, 3 March”."
        error={errors.note}
        count={{ length: note.length, max: NOTE_MAX }}
      >
        {(p) => <textarea {...p} className="input" rows={2} maxLength={NOTE_MAX} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <Field
        label="Evidence file"
        hint={`Optional: the signed form, a scan or a saved message (PDF, image or text, up to ${FILE_MAX_MB} MB).`}
        error={fileError}
      >
        {(p) => (
          <input
            {...p}
            key={fileKey}
            className="input"
            type="file"
            accept=".pdf,.txt,image/*"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      {record.error && !Object.keys(errors).length && <ErrorNotice error={record.error} title="Decision not recorded" />}
      <button type="submit" className="btn-primary" disabled={record.isPending}>
        <Busy isBusy={record.isPending} busyText="Recording…">
          Record decision
        </Busy>
      </button>
    </form>
  );
}

function ConsentHistoryList({ contactId }: { contactId: string }) {
  const history = useConsentHistory(contactId);
  const entries = history.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="consent-history-title">
      <h3 id="consent-history-title" className="font-semibold">
        History
      </h3>
      <p className="text-sm text-muted">Every decision ever recorded, newest first. Entries are never changed.</p>
      {history.isPending && <Spinner label="Loading consent history" />}
      <ErrorNotice error={history.error} title="The history could not be loaded" onRetry={() => void history.refetch()} />
      {history.data && !entries.length && <p className="mt-2 text-sm text-muted">Nothing recorded yet.</p>}
      <ol className="mt-2 divide-y divide-line" data-testid="consent-history">
        {entries.map((e) => (
          <li key={e.id} className="py-2 text-sm">
            <p>
              <span className="font-medium">{e.granted ? 'Given' : 'Withdrawn'}</span> · {CONSENT_PURPOSE_LABELS[e.purpose]} ·{' '}
              {CONSENT_METHOD_LABELS[e.method]}
              {e.expiresAt && <> · until {formatDate(e.expiresAt)}</>}
            </p>
            <p className="text-muted">
              {formatDateTime(e.recordedAt)}
              {e.note && <> · “{e.note}”</>}
            </p>
            {e.evidence && (
              <a
                className="font-medium text-brand-ink underline"
                href={`/api/contacts/${contactId}/consents/evidence/${e.evidence.id}`}
                download={e.evidence.filename}
              >
                Evidence: {e.evidence.filename}
              </a>
            )}
          </li>
        ))}
      </ol>
      {history.hasNextPage && (
        <button
          type="button"
          className="btn-secondary mt-2"
          disabled={history.isFetchingNextPage}
          onClick={() => void history.fetchNextPage()}
        >
          <Busy isBusy={history.isFetchingNextPage} busyText="Loading…">
            Show older entries
          </Busy>
        </button>
      )}
    </section>
  );
}

/** The consent ledger of one contact: the state per purpose, a form to record a decision, the history. */
export function ContactConsents({ contactId }: { contactId: string }) {
  return (
    <div className="space-y-4">
      <section aria-labelledby="consent-title" className="card space-y-3 p-4">
        <h2 id="consent-title" className="text-lg font-semibold">
          Consent
        </h2>
        <p className="text-sm text-muted">What this person agreed to, now. Imports, photos and AI only use what is given here.</p>
        <CurrentConsent contactId={contactId} />
      </section>
      <div className="card p-4">
        <RecordConsentForm contactId={contactId} />
      </div>
      <div className="card p-4">
        <ConsentHistoryList contactId={contactId} />
      </div>
    </div>
  );
}
