import type { Db } from '../../platform/db.js';
import { LIMITS } from '../../platform/limits.js';
import type { ContactsRepo } from './contacts.repo.js';

/** A contact read from an import file (the photo stays with the caller: it goes to the photos service). */
export type ImportedContact = {
  name: string;
  emails: string[];
  phones: string[];
  emailLabels: Record<string, string>;
  phoneLabels: Record<string, string>;
  birthday: string | null;
  importantDates: { label: string; date: string }[];
  notes: string;
  customFields: Record<string, string>;
};
export type ImportOutcome = { outcome: 'created' | 'updated' | 'skipped'; contactId: string; hasPhotoConsent: boolean; hasPhoto: boolean };
export type ImportBatchOptions = {
  duplicates: 'skip' | 'update' | 'create';
  tagIds: string[];
  matchCreatedBefore: Date;
  /** Runs in the batch's transaction once its contacts are written (an import records its progress there). */
  afterWrite?: (outcomes: ImportOutcome[], tx: Db) => Promise<void>;
};

export const digits = (phone: string) => phone.replace(/[^0-9]/g, '').replace(/^00/, '');
const sameDate = (a: { label: string; date: string }, b: { label: string; date: string }) => a.label === b.label && a.date === b.date;

/** The existing contact with what the file adds: new emails, phones and dates, the file's birthday and custom fields. */
export function mergeImported(current: Awaited<ReturnType<ContactsRepo['findImportMatches']>>[number], draft: ImportedContact) {
  const phoneDigits = new Set(current.phones.map(digits));
  const emails = [...new Set([...current.emails, ...draft.emails])].slice(0, LIMITS.contact.emails);
  const phones = [...current.phones, ...draft.phones.filter((p) => !phoneDigits.has(digits(p)))].slice(0, LIMITS.contact.phones);
  const importantDates = [
    ...current.importantDates,
    ...draft.importantDates.filter((d) => !current.importantDates.some((x) => sameDate(x, d))),
  ].slice(0, LIMITS.contact.importantDates);
  const customFields = { ...current.customFields, ...draft.customFields };
  // A label the file gives is kept only for a value that had none; the user's own labels stay.
  const labelsOf = (values: string[], mine: Record<string, string>, theirs: Record<string, string>) =>
    Object.fromEntries(values.flatMap((v) => ((mine[v] ?? theirs[v]) ? [[v, mine[v] ?? theirs[v]!]] : [])));
  const emailLabels = labelsOf(emails, current.emailLabels, draft.emailLabels);
  const phoneLabels = labelsOf(phones, current.phoneLabels, draft.phoneLabels);
  const notes =
    !draft.notes || current.notes.includes(draft.notes)
      ? current.notes
      : current.notes
        ? `${current.notes}\n\n${draft.notes}`
        : draft.notes;
  const birthday = draft.birthday ?? current.birthday;
  const changed =
    emails.length !== current.emails.length ||
    phones.length !== current.phones.length ||
    Object.keys(emailLabels).length !== Object.keys(current.emailLabels).length ||
    Object.keys(phoneLabels).length !== Object.keys(current.phoneLabels).length ||
    importantDates.length !== current.importantDates.length ||
    notes !== current.notes ||
    birthday !== current.birthday ||
    Object.keys(customFields).length > LIMITS.contact.customFields ||
    Object.entries(draft.customFields).some(([k, v]) => current.customFields[k] !== v);
  if (Object.keys(customFields).length > LIMITS.contact.customFields) return null;
  return changed
    ? { emails, phones, emailLabels, phoneLabels, importantDates, customFields, notes: notes.slice(0, LIMITS.text.notes), birthday }
    : null;
}
