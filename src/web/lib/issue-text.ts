/**
 * Validation messages for a person: the field named as the form names it, the rule in plain words.
 * The server reports `body.keepInTouchDays: Invalid input: expected int`; people read
 * `Keep in touch every must be a whole number of days`.
 */
const LABELS: Record<string, string> = {
  name: 'Name',
  emails: 'Emails',
  phones: 'Phones',
  birthday: 'Birthday',
  notes: 'Notes',
  keepInTouchDays: 'Keep in touch every',
  lifecycleStage: 'Lifecycle stage',
  customFields: 'Custom fields',
  importantDates: 'Important dates',
  label: 'Label',
  date: 'Date',
  subject: 'Subject',
  content: 'Details',
  occurredAt: 'When',
  sentiment: 'Sentiment',
  title: 'Title',
  description: 'Description',
  dueAt: 'Due date',
  estimatedMinutes: 'Estimated minutes',
  actualMinutes: 'Actual minutes',
  targetValue: 'Target',
  currentValue: 'Progress',
  unit: 'Unit',
  deadline: 'Deadline',
  displayName: 'Display name',
  timezone: 'Time zone',
  email: 'Email',
  password: 'Password',
  newPassword: 'New password',
  currentPassword: 'Current password',
  color: 'Colour',
  startsAt: 'Start',
  endsAt: 'End',
  days: 'Days',
};

const titleCase = (s: string) => s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** "body.settings.keepInTouchDays.core_client" → "Keep in touch every (Core client)"; "body.emails.2" → "Emails (3rd)". */
export function fieldLabel(path: string): string {
  const parts = path.split('.').slice(1);
  const named = [...parts].reverse().find((p) => LABELS[p]);
  if (!named) return parts.length ? titleCase(parts[parts.length - 1]!) : 'This request';
  const after = parts.slice(parts.indexOf(named) + 1).filter((p) => !/^\d+$/.test(p));
  const index = parts.slice(parts.indexOf(named) + 1).find((p) => /^\d+$/.test(p));
  const suffix = [index !== undefined ? `entry ${Number(index) + 1}` : '', ...after.map(titleCase)].filter(Boolean).join(', ');
  return suffix ? `${LABELS[named]} (${suffix})` : LABELS[named]!;
}

/** Zod's default wording turned into plain rules; messages the server already wrote for people pass through. */
export function plainRule(message: string): string {
  let m: RegExpMatchArray | null;
  if (/expected int/.test(message)) return 'must be a whole number';
  if ((m = message.match(/^Too big: expected (\w+) to (?:have |be )?<=?\s*([\d.]+)(?: (\w+))?/)))
    return m[1] === 'string'
      ? `must be at most ${Number(m[2]).toLocaleString()} characters`
      : m[1] === 'array'
        ? `can have at most ${m[2]} entries`
        : `must be at most ${m[2]}`;
  if ((m = message.match(/^Too small: expected (\w+) to (?:have |be )?>=?\s*([\d.]+)/)))
    return m[1] === 'string'
      ? m[2] === '1'
        ? 'is required'
        : `must be at least ${m[2]} characters`
      : m[1] === 'array'
        ? `needs at least ${m[2]} entries`
        : `must be at least ${m[2]}`;
  if (/^Invalid input: expected number/.test(message)) return 'must be a number';
  if (/^Invalid (input|option|string|ISO)/i.test(message)) return 'is not valid';
  if (/^Unrecognized key/.test(message)) return 'is not a field this form can save';
  return message;
}

export const issueText = (issue: { path: string; message: string }) => `${fieldLabel(issue.path)} ${plainRule(issue.message)}`;
