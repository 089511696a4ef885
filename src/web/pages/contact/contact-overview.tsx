import { FEATURES } from '../../lib/features';
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage, fieldErrors } from '../../api/api-client';
import { useMe } from '../../api/auth.api';
import { useUpdateContact } from '../../api/contacts.api';
import { fieldChanges, staleCurrent, type FieldChange } from '../../api/stale-write';
import { StaleWriteNotice } from '../../components/stale-write-notice';
import { CONTACT_STATUSES, LIFECYCLE_STAGES, type ContactStatus, type LifecycleStage } from '../../../shared/domain';
import type { ContactDetail, ContactBody as ContactInput } from '../../../shared/api/contacts';
import { STAGE_LABELS } from '../../lib/labels';
import { useToast } from '../../app/toasts';
import { SavedCheckbox } from '../../components/saved-checkbox';
import { TagPicker } from '../../components/tag-picker';
import { Busy, ErrorNotice, Field } from '../../components/ui';
import { humanize } from '../../lib/format';
import { useDraft } from '../../lib/use-draft';
import { ChannelList, channelBody, channelsOf } from './channel-list';
import { CustomFieldsEditor, customFieldProblems, customFieldsBody, customRowsOf } from './custom-fields-editor';

/** The server's limit for a contact's notes (LIMITS.text.notes). */
const NOTES_MAX = 20_000;

/** Stage, status, consent and cadence save on change (optimistically): they are one-click edits. */
function QuickSettings({ contact }: { contact: ContactDetail }) {
  const update = useUpdateContact(contact.id);
  const me = useMe();
  const toast = useToast();
  const save = (input: ContactInput, done?: string, undo?: () => void) =>
    update.mutate(input, {
      onSuccess: () => done && toast.success(done),
      onError: (e) => {
        undo?.();
        toast.error(e);
      },
    });
  const stageDefault = me.data?.user.settings.keepInTouchDays[contact.lifecycleStage];
  const [cadence, setCadence] = useState(contact.keepInTouchDays?.toString() ?? '');
  const [cadenceError, setCadenceError] = useState<string | undefined>();
  // An invalid value stays in the field, marked invalid with a message: it is never shown as if saved.
  const saveCadence = () => {
    const next = cadence.trim() ? Number(cadence) : null;
    if (next !== null && !(Number.isInteger(next) && next >= 1 && next <= 3650)) {
      setCadenceError('Enter a whole number of days from 1 to 3650, or leave it empty for the stage’s cadence.');
      return;
    }
    setCadenceError(undefined);
    if (next === contact.keepInTouchDays) return;
    update.mutate(
      { keepInTouchDays: next },
      {
        onSuccess: () => toast.success('Keep-in-touch cadence saved.'),
        onError: (e) => setCadenceError(fieldErrors(e).keepInTouchDays ?? errorMessage(e)),
      },
    );
  };
  return (
    <section aria-labelledby="quick-title" className="card grid gap-4 p-4 sm:grid-cols-2">
      <h2 id="quick-title" className="sr-only">
        Stage, consent and cadence
      </h2>
      <Field label="Lifecycle stage">
        {(p) => (
          <select
            {...p}
            className="input"
            value={contact.lifecycleStage}
            onChange={(e) => save({ lifecycleStage: e.target.value as LifecycleStage })}
          >
            {LIFECYCLE_STAGES.map((s) => (
              <option key={s} value={s}>
                {STAGE_LABELS[s]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Status">
        {(p) => (
          <select {...p} className="input" value={contact.status} onChange={(e) => save({ status: e.target.value as ContactStatus })}>
            {CONTACT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Keep in touch every"
        error={cadenceError}
        hint={`Empty uses your ${STAGE_LABELS[contact.lifecycleStage]} cadence${stageDefault ? ` (${stageDefault} days)` : ''}.`}
      >
        {(p) => (
          <div className="flex items-center gap-2">
            <input
              {...p}
              className="input"
              type="number"
              min={1}
              max={3650}
              value={cadence}
              placeholder={stageDefault ? `${stageDefault} (default)` : undefined}
              onChange={(e) => setCadence(e.target.value)}
              onBlur={saveCadence}
              onKeyDown={(e) => e.key === 'Enter' && saveCadence()}
            />
            <span className="text-sm text-muted">days</span>
          </div>
        )}
      </Field>
      <fieldset className="space-y-2">
        <legend className="label">Consent</legend>
        {FEATURES.ai && (
          <SavedCheckbox checked={contact.hasAiConsent} save={(next, undo) => save({ hasAiConsent: next }, undefined, undo)}>
            AI may read this contact’s data (insights, suggestions)
          </SavedCheckbox>
        )}
        <SavedCheckbox checked={contact.hasPhotoConsent} save={(next, undo) => save({ hasPhotoConsent: next }, undefined, undo)}>
          Photos of this person may be stored
        </SavedCheckbox>
      </fieldset>
    </section>
  );
}

/** What the details form edits, as a contact holds it (compared to tell what changed elsewhere). */
function formValuesOf(c: ContactDetail) {
  return {
    name: c.name,
    emails: c.emails,
    emailLabels: c.emailLabels,
    phones: c.phones,
    phoneLabels: c.phoneLabels,
    birthday: c.birthday ?? null,
    sentiment: c.sentiment,
    importantDates: c.importantDates,
    customFields: c.customFields,
    notes: c.notes,
    tags: c.tags.map((t) => t.id),
  };
}
type FormValues = ReturnType<typeof formValuesOf>;
const FIELD_LABELS: Record<keyof FormValues, string> = {
  name: 'Name',
  emails: 'Emails',
  emailLabels: 'Email labels',
  phones: 'Phones',
  phoneLabels: 'Phone labels',
  birthday: 'Birthday',
  sentiment: 'Sentiment',
  importantDates: 'Important dates',
  customFields: 'Custom fields',
  notes: 'Notes',
  tags: 'Tags',
};
const sameFormValues = (a: ContactDetail, b: ContactDetail) => JSON.stringify(formValuesOf(a)) === JSON.stringify(formValuesOf(b));

function DetailsForm({ contact }: { contact: ContactDetail }) {
  const update = useUpdateContact(contact.id);
  const toast = useToast();
  // The version the form was loaded from: every save sends it, and a stale one is answered 409.
  const [base, setBase] = useState(contact);
  const [conflict, setConflict] = useState<ContactDetail | undefined>();
  const [replaced, setReplaced] = useState<FieldChange[]>([]);
  // A change made elsewhere to fields this form does not edit (stage, consent…) is no conflict.
  useEffect(() => {
    if (contact.version > base.version && sameFormValues(contact, base)) setBase(contact);
  }, [contact, base]);
  const [name, setName] = useState(contact.name);
  const [emails, setEmails] = useState(() => channelsOf(contact.emails, contact.emailLabels));
  const [phones, setPhones] = useState(() => channelsOf(contact.phones, contact.phoneLabels));
  const [custom, setCustom] = useState(() => customRowsOf(contact.customFields));
  const [customProblems, setCustomProblems] = useState<Record<number, string>>({});
  const [birthday, setBirthday] = useState(contact.birthday ?? '');
  const notesDraft = useDraft(`contact:${contact.id}:notes`, contact.notes);
  const [notes, setNotes] = [notesDraft.value, notesDraft.set];
  const [sentiment, setSentiment] = useState(contact.sentiment?.toString() ?? '');
  const [tagIds, setTagIds] = useState(contact.tags.map((t) => t.id));
  const [dates, setDates] = useState(contact.importantDates);
  const [dateErrors, setDateErrors] = useState<Record<number, string>>({});
  const errors = fieldErrors(update.error);
  const tagNames = new Map([...base.tags, ...contact.tags, ...(conflict?.tags ?? [])].map((t) => [t.id, t.name] as const));
  const load = (c: ContactDetail) => {
    setName(c.name);
    setEmails(channelsOf(c.emails, c.emailLabels));
    setPhones(channelsOf(c.phones, c.phoneLabels));
    setCustom(customRowsOf(c.customFields));
    setBirthday(c.birthday ?? '');
    notesDraft.clear(c.notes);
    setSentiment(c.sentiment?.toString() ?? '');
    setTagIds(c.tags.map((t) => t.id));
    setDates(c.importantDates);
  };
  const body = () => {
    const email = channelBody(emails);
    const phone = channelBody(phones);
    return {
      name,
      emails: email.values,
      emailLabels: email.labels,
      phones: phone.values,
      phoneLabels: phone.labels,
      customFields: customFieldsBody(custom),
      birthday: birthday || null,
      notes,
      sentiment: sentiment ? Number(sentiment) : null,
      tagIds,
      importantDates: dates.filter((d) => d.label.trim() && d.date),
    };
  };
  const changesFrom = (current: ContactDetail) => {
    const { tagIds: ids, ...mine } = body();
    const named = (list: string[]) => list.map((id) => tagNames.get(id) ?? 'a new tag');
    const theirs = { ...formValuesOf(current), tags: named(current.tags.map((t) => t.id)) };
    return fieldChanges<FormValues>(theirs, { ...mine, tags: named(ids) }, FIELD_LABELS);
  };
  const save = (input: ContactInput, version: number) =>
    update.mutate(
      { ...input, version },
      {
        onSuccess: (saved) => {
          setBase(saved);
          setConflict(undefined);
          notesDraft.clear(notes);
          toast.success('Contact saved.');
        },
        onError: (err) => {
          const current = staleCurrent<ContactDetail>(err);
          if (!current) return;
          // Changed elsewhere, but not in anything this form holds: save over it.
          if (!changesFrom(current).length) save(input, current.version);
          else setConflict(current);
        },
      },
    );
  const keepMine = () => conflict && save(body(), conflict.version);
  const takeTheirs = () => {
    if (!conflict) return;
    setReplaced(changesFrom(conflict));
    load(conflict);
    setBase(conflict);
    setConflict(undefined);
    update.reset();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // A half-filled date is never dropped: the form says what is missing and saves nothing.
    const problems: Record<number, string> = {};
    dates.forEach((d, i) => {
      if (d.label.trim() && !d.date) problems[i] = `Choose the date of “${d.label.trim()}”, or remove it.`;
      else if (d.date && !d.label.trim()) problems[i] = 'Give this date a label (for example “Anniversary”), or remove it.';
    });
    setDateErrors(problems);
    const customIssues = customFieldProblems(custom);
    setCustomProblems(customIssues);
    if (Object.keys(problems).length || Object.keys(customIssues).length) return;
    setReplaced([]);
    save(body(), conflict?.version ?? base.version);
  };
  return (
    <form onSubmit={submit} className="card space-y-4 p-4" aria-labelledby="details-title">
      <h2 id="details-title" className="text-lg font-semibold">
        Details
      </h2>
      <Field label="Name" error={errors.name}>
        {(p) => <input {...p} className="input" required value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChannelList kind="email" rows={emails} onChange={setEmails} errors={errors} />
        <ChannelList kind="phone" rows={phones} onChange={setPhones} errors={errors} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Birthday" error={errors.birthday}>
          {(p) => <input {...p} className="input" type="date" value={birthday} onChange={(e) => setBirthday(e.target.value)} />}
        </Field>
        <Field label="Sentiment" hint="How the relationship feels, 1 (strained) to 5 (thriving).">
          {(p) => (
            <select {...p} className="input" value={sentiment} onChange={(e) => setSentiment(e.target.value)}>
              <option value="">Not set</option>
              {[1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <fieldset>
        <legend className="label">Important dates</legend>
        <ul className="space-y-2">
          {dates.map((d, i) => (
            <li key={i} className="flex flex-wrap gap-2">
              <input
                className="input min-w-0 flex-1"
                aria-label={`Label of date ${i + 1}`}
                placeholder="e.g. Anniversary"
                value={d.label}
                onChange={(e) => setDates(dates.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
              />
              <input
                className="input w-44"
                type="date"
                aria-label={`Date ${i + 1}`}
                aria-invalid={dateErrors[i] ? true : undefined}
                aria-describedby={dateErrors[i] ? `date-error-${i}` : undefined}
                value={d.date}
                onChange={(e) => setDates(dates.map((x, j) => (j === i ? { ...x, date: e.target.value } : x)))}
              />
              <button
                type="button"
                className="btn-ghost"
                onClick={() => {
                  setDates(dates.filter((_, j) => j !== i));
                  setDateErrors({});
                }}
                aria-label={`Remove date ${d.label || i + 1}`}
              >
                Remove
              </button>
              {dateErrors[i] && (
                <p id={`date-error-${i}`} role="alert" className="w-full text-sm font-medium text-danger">
                  {dateErrors[i]}
                </p>
              )}
            </li>
          ))}
        </ul>
        <button type="button" className="btn-secondary mt-2 py-1" onClick={() => setDates([...dates, { label: '', date: '' }])}>
          Add a date
        </button>
      </fieldset>
      <CustomFieldsEditor rows={custom} onChange={setCustom} problems={customProblems} />
      <Field label="Notes" error={errors.notes} count={{ length: notes.length, max: NOTES_MAX }}>
        {(p) => <textarea {...p} className="input" rows={6} value={notes} onChange={(e) => setNotes(e.target.value)} />}
      </Field>
      <TagPicker value={tagIds} onChange={setTagIds} />
      {conflict ? (
        <StaleWriteNotice
          what="contact"
          changes={changesFrom(conflict)}
          isSaving={update.isPending}
          onKeepMine={keepMine}
          onTakeTheirs={takeTheirs}
        />
      ) : (
        update.error && !Object.keys(errors).length && <ErrorNotice error={update.error} title="Changes not saved" />
      )}
      {replaced.length > 0 && (
        <details open className="rounded-lg border border-line p-3 text-sm">
          <summary className="font-medium">Your replaced edits (copy back anything you need)</summary>
          <ul className="mt-2 space-y-1">
            {replaced.map((c) => (
              <li key={c.field}>
                <span className="font-medium">{c.label}:</span> <span className="break-words">{c.yours}</span>
              </li>
            ))}
          </ul>
          <button type="button" className="btn-ghost mt-2 py-1" onClick={() => setReplaced([])}>
            Dismiss
          </button>
        </details>
      )}
      <button type="submit" className="btn-primary" disabled={update.isPending}>
        <Busy isBusy={update.isPending} busyText="Saving…">
          Save changes
        </Busy>
      </button>
    </form>
  );
}

export function ContactOverview({ contact }: { contact: ContactDetail }) {
  return (
    <div className="space-y-4">
      <QuickSettings contact={contact} />
      <DetailsForm key={contact.id} contact={contact} />
    </div>
  );
}
