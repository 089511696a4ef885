const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(d.getTime()) ? '—' : dateFmt.format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTimeFmt.format(d);
}

export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 86_400_000],
    ['month', 30 * 86_400_000],
    ['week', 7 * 86_400_000],
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, ms] of units) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  return 'just now';
}

/** A <input type="datetime-local"> value in the browser's zone, and back to ISO. */
export function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

export function initials(name: string): string {
  // Whole characters (not UTF-16 halves), from words that start with a letter: no broken emoji or "<<".
  const words = name
    .trim()
    .split(/\s+/)
    .map((w) => Array.from(w).find((ch) => /\p{L}/u.test(ch)))
    .filter(Boolean) as string[];
  if (!words.length) return '?';
  return (words[0]! + (words.length > 1 ? words[words.length - 1]! : '')).toUpperCase();
}

export const humanize = (s: string) => s.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

const THINGS: Record<string, [string, string]> = {
  interactions: ['timeline entry', 'timeline entries'],
  goals: ['goal', 'goals'],
  photos: ['photo', 'photos'],
  consents: ['consent record', 'consent records'],
  documents: ['document', 'documents'],
  aiInsights: ['AI insight', 'AI insights'],
  aiSuggestions: ['AI suggestion', 'AI suggestions'],
  tagLinks: ['tag link', 'tag links'],
  taskLinks: ['task link', 'task links'],
  tasks: ['task', 'tasks'],
  calendarEvents: ['calendar event', 'calendar events'],
  emails: ['email', 'emails'],
};
/** "3 timeline entries" for a delete-preview key and count. */
export function describeCount(key: string, n: number): string {
  const words = THINGS[key] ?? [key.replace(/([A-Z])/g, ' $1').toLowerCase(), key.replace(/([A-Z])/g, ' $1').toLowerCase()];
  return `${n.toLocaleString()} ${n === 1 ? words[0] : words[1]}`;
}
