import { useMe } from '../api/auth.api';

/**
 * What a task's due date is: a calendar day in the practitioner's time zone (their profile's, the
 * zone the server uses for "due today"). The API keeps the instant `dueAt`; the web app writes the
 * last millisecond of the chosen day in that zone and reads the day back in the same zone, so
 * opening and saving a task never moves it, whatever zone the browser is in. An instant written
 * by another client (any time of the day) reads as the day it falls on in the practitioner's zone.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(timeZone: string): Intl.DateTimeFormat {
  let fmt = partsFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, fmt);
  }
  return fmt;
}

/** The zone's wall clock at `ms`, read as if it were UTC. */
function wallClockMs(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of partsIn(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** The instant at which the zone's clock shows midnight starting `day` (YYYY-MM-DD). */
export function startOfDayIn(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  const wall = Date.UTC(y!, m! - 1, d!);
  let guess = wall - (wallClockMs(wall, timeZone) - wall);
  // A second pass settles days whose offset differs from the first guess's (DST changes).
  guess = wall - (wallClockMs(guess, timeZone) - guess);
  return new Date(guess);
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The calendar day (YYYY-MM-DD) an instant falls on in the zone. */
export function dayIn(iso: string | Date, timeZone: string): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
  return new Date(wallClockMs(ms, timeZone)).toISOString().slice(0, 10);
}

/** The `dueAt` the web app writes for a due day: the last millisecond of that day in the zone. */
export function dueAtFor(day: string, timeZone: string): string {
  return new Date(startOfDayIn(addDays(day, 1), timeZone).getTime() - 1).toISOString();
}

/** [start of today, start of today + days) in the zone, as the API's dueFrom / dueTo. */
export function daysFromToday(days: number, timeZone: string, now = new Date()): { dueFrom: string; dueTo: string } {
  const today = dayIn(now, timeZone);
  return { dueFrom: startOfDayIn(today, timeZone).toISOString(), dueTo: startOfDayIn(addDays(today, days), timeZone).toISOString() };
}

const dueFormatters = new Map<string, Intl.DateTimeFormat>();
/** "Dec 3, 2026" for a due instant, as the day it falls on in the zone. */
export function formatDue(iso: string, timeZone: string): string {
  let fmt = dueFormatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone });
    dueFormatters.set(timeZone, fmt);
  }
  return fmt.format(new Date(iso));
}

/** The practitioner's time zone (their profile's), or the browser's before the profile is loaded. */
export function useTimeZone(): string {
  const me = useMe();
  return me.data?.user.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
