import { z } from 'zod';
import { contactFields, isPhone } from '../../../shared/api/contacts.js';
import { DATE_RANGE } from '../../../shared/api/dates.js';
import { LIMITS } from '../../platform/limits.js';

/** One problem with one row: its line in the file, the field, and why (never the value itself). */
export type Issue = { line: number; field: string; reason: string };

/** A contact as read from one row or card, before matching. */
export type Draft = {
  name: string;
  emails: string[];
  phones: string[];
  /** The label of each email and phone ("work", "mobile", an Apple custom label), by value. */
  emailLabels: Record<string, string>;
  phoneLabels: Record<string, string>;
  birthday: string | null;
  importantDates: { label: string; date: string }[];
  notes: string;
  customFields: Record<string, string>;
  photo: Buffer | null;
};

export type RowResult = { line: number; draft: Draft | null; error: Issue | null; warnings: Issue[] };

/** What a row gives, field by field, before the checks. */
export type RawContact = {
  name: string;
  nameParts: string[];
  organization: string;
  emails: string[];
  phones: string[];
  /** The label the file gives the email or phone at the same index (empty for none). */
  emailTypes: string[];
  phoneTypes: string[];
  birthday: string;
  dates: { label: string; value: string }[];
  notes: string[];
  custom: [string, string][];
  photo: Buffer | null;
};

export const emptyRaw = (): RawContact => ({
  name: '',
  nameParts: [],
  organization: '',
  emails: [],
  phones: [],
  emailTypes: [],
  phoneTypes: [],
  birthday: '',
  dates: [],
  notes: [],
  custom: [],
  photo: null,
});

const emailCheck = z.email();

const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar date from the forms exports use; null for an empty or placeholder value, an error for the rest. */
export function parseDate(value: string): { date: string | null; error?: string } {
  const v = value.trim();
  if (!v) return { date: null };
  let y: number;
  let m: number;
  let d: number;
  let match: RegExpMatchArray | null;
  if ((match = v.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/))) [y, m, d] = [+match[1]!, +match[2]!, +match[3]!];
  else if ((match = v.match(/^(\d{4})(\d{2})(\d{2})(?:T.*)?$/))) [y, m, d] = [+match[1]!, +match[2]!, +match[3]!];
  else if ((match = v.match(/^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/))) {
    [d, m, y] = [+match[1]!, +match[2]!, +match[3]!];
    // Outlook writes "0.0.00" for "no date".
    if (d === 0 && m === 0) return { date: null };
    if (match[3]!.length === 2) y += y <= 30 ? 2000 : 1900;
  } else if ((match = v.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/))) [m, d, y] = [+match[1]!, +match[2]!, +match[3]!];
  else if (/^--\d{2}-?\d{2}$/.test(v)) return { date: null, error: 'has no year; dates are kept with their year' };
  else return { date: null, error: 'is not a date this import reads (YYYY-MM-DD, YYYYMMDD, D.M.YYYY or M/D/YYYY)' };
  const date = `${y}-${pad(m)}-${pad(d)}`;
  const check = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.getUTCMonth() + 1 !== m || check.getUTCDate() !== d) {
    return { date: null, error: 'is not a real calendar date' };
  }
  if (date < DATE_RANGE.min || date > DATE_RANGE.max)
    return { date: null, error: `must be between ${DATE_RANGE.min} and ${DATE_RANGE.max}` };
  return { date };
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Checks a row's values against the contact rules and builds the draft: bad emails and dates are
 * left out with a warning; a row with no name, email or phone, or over a limit, fails.
 */
export function finishRow(line: number, raw: RawContact): RowResult {
  const warnings: Issue[] = [];
  const fail = (field: string, reason: string): RowResult => ({ line, draft: null, error: { line, field, reason }, warnings });

  const emails: string[] = [];
  const emailLabels: Record<string, string> = {};
  for (const [i, e] of raw.emails.entries()) {
    const email = e
      .trim()
      .replace(/^mailto:/i, '')
      .toLowerCase();
    if (!email) continue;
    if (!emailCheck.safeParse(email).success || email.length > 320)
      warnings.push({ line, field: 'email', reason: 'is not an email address' });
    else if (!emails.includes(email)) {
      emails.push(email);
      const label = clean(raw.emailTypes[i] ?? '').slice(0, 40);
      if (label) emailLabels[email] = label;
    }
  }
  const phones: string[] = [];
  const phoneLabels: Record<string, string> = {};
  for (const [i, p] of raw.phones.entries()) {
    const phone = clean(p);
    if (!phone) continue;
    if (phone.length > 50) warnings.push({ line, field: 'phone', reason: 'is longer than 50 characters' });
    else if (!isPhone(phone)) warnings.push({ line, field: 'phone', reason: 'is not a phone number' });
    else if (!phones.includes(phone)) {
      phones.push(phone);
      const label = clean(raw.phoneTypes[i] ?? '').slice(0, 40);
      if (label) phoneLabels[phone] = label;
    }
  }
  const organization = clean(raw.organization);
  const name = clean(raw.name) || clean(raw.nameParts.filter(Boolean).join(' ')) || organization || emails[0] || phones[0] || '';
  if (!name) return fail('name', 'has no name, organisation, email or phone');

  let birthday: string | null = null;
  if (raw.birthday) {
    const parsed = parseDate(raw.birthday);
    if (parsed.error) warnings.push({ line, field: 'birthday', reason: parsed.error });
    birthday = parsed.date;
  }
  const importantDates: Draft['importantDates'] = [];
  for (const { label, value } of raw.dates) {
    const parsed = parseDate(value);
    if (parsed.error) warnings.push({ line, field: label, reason: parsed.error });
    if (parsed.date && !importantDates.some((x) => x.label === label && x.date === parsed.date)) {
      importantDates.push({ label: label.slice(0, 100), date: parsed.date });
    }
  }
  const customFields: Record<string, string> = {};
  if (organization) customFields.Organization = organization;
  for (const [key, value] of raw.custom) {
    const k = clean(key).slice(0, 100);
    const v = value.trim();
    if (!k || !v) continue;
    customFields[k] = customFields[k] && customFields[k] !== v ? `${customFields[k]}\n${v}` : v;
  }
  const draft: Draft = {
    name,
    emails,
    phones,
    emailLabels,
    phoneLabels,
    birthday,
    importantDates,
    notes: raw.notes
      .map((n) => n.trim())
      .filter(Boolean)
      .join('\n\n'),
    customFields,
    photo: raw.photo,
  };
  // The same rules as a contact typed in by hand; the field named is the one that broke them.
  const { photo: _photo, ...fields } = draft;
  const checked = z
    .strictObject({
      name: contactFields.name,
      emails: contactFields.emails,
      phones: contactFields.phones,
      emailLabels: contactFields.emailLabels,
      phoneLabels: contactFields.phoneLabels,
      birthday: contactFields.birthday,
      importantDates: contactFields.importantDates,
      notes: contactFields.notes,
      customFields: contactFields.customFields,
    })
    .safeParse(fields);
  if (!checked.success) {
    const first = checked.error.issues[0]!;
    return fail(String(first.path[0] ?? 'row'), first.message);
  }
  if (raw.photo && raw.photo.length > LIMITS.imports.photoBytes) {
    return fail('photo', `is larger than ${LIMITS.imports.photoBytes / 1024 / 1024} MB`);
  }
  return { line, draft, error: null, warnings };
}
