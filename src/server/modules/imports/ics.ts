import { setImmediate as yieldToLoop } from 'node:timers/promises';
import ICAL from 'ical.js';
import { badRequest } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { sha256 } from '../../platform/crypto.js';

const EVENT_EDGE = /^(BEGIN|END):VEVENT[ \t]*\r?$/gim;

/**
 * Cuts the text into the calendar without its events (properties, VTIMEZONEs) and each VEVENT's
 * own text, at the BEGIN/END:VEVENT lines (never folded: they are short); ical.js parses each part.
 */
function splitEvents(source: string): { skeleton: string; blocks: string[] } {
  const blocks: string[] = [];
  const outside: string[] = [];
  let last = 0;
  let open = -1;
  for (const match of source.matchAll(EVENT_EDGE)) {
    const begin = match[1]!.toUpperCase() === 'BEGIN';
    if (begin && open < 0) {
      outside.push(source.slice(last, match.index));
      open = match.index;
    } else if (!begin && open >= 0) {
      const end = match.index + match[0].length;
      blocks.push(source.slice(open, end));
      open = -1;
      last = end;
    }
  }
  outside.push(source.slice(open >= 0 ? open : last));
  return { skeleton: outside.join('\n'), blocks };
}

function componentOf(text: string): ICAL.Component {
  const parsed = ICAL.parse(text);
  return new ICAL.Component(Array.isArray(parsed[0]) ? (parsed[0] as unknown as typeof parsed) : parsed);
}

/** One occurrence of an event inside the import window, with the addresses of the people in it. */
export type IcsOccurrence = {
  uid: string;
  /** Stable per occurrence: the original start of a recurring instance (RECURRENCE-ID), `once` for a one-off event. */
  key: string;
  start: Date;
  end: Date | null;
  allDay: boolean;
  summary: string;
  description: string;
  location: string;
  /** Organiser and attendees, lower-cased, without "mailto:". */
  emails: string[];
};

export type IcsCalendar = {
  /** Distinct UIDs (a series and its overrides count once). */
  events: number;
  uids: string[];
  occurrences: IcsOccurrence[];
  /** Events that could not be read (no start, an unreadable rule), with why. */
  broken: { uid: string; reason: string }[];
};

/** Windows time-zone ids (Outlook, Exchange) a file may name without a VTIMEZONE, mapped to IANA. */
const WINDOWS_ZONES: Record<string, string> = {
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Romance Standard Time': 'Europe/Paris',
  'Central European Standard Time': 'Europe/Warsaw',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Russian Standard Time': 'Europe/Moscow',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Alaskan Standard Time': 'America/Anchorage',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Atlantic Standard Time': 'America/Halifax',
  'Canada Central Standard Time': 'America/Regina',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Singapore Standard Time': 'Asia/Singapore',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'South Africa Standard Time': 'Africa/Johannesburg',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Arabian Standard Time': 'Asia/Dubai',
  UTC: 'UTC',
};

function isIana(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterOf = (zone: string) => {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
};

/** The offset (ms) of an IANA zone at an instant. */
function ianaOffset(zone: string, at: number): number {
  const parts = formatterOf(zone).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** Wall-clock time in an IANA zone to an instant (the later offset wins in a DST gap, as calendar apps do). */
function wallToUtc(wall: number, zone: string): number {
  const first = wall - ianaOffset(zone, wall);
  const second = wall - ianaOffset(zone, first);
  return second;
}

/** The instant of a time; `tzid` is its property's TZID (ical.js leaves times in zones it does not know floating). */
type ZoneResolver = (time: ICAL.Time, tzid?: string) => number;

/**
 * Turns an event time into an instant: UTC as is, a TZID that is an IANA name through the
 * platform's zone data, a Windows name through the table above, any other TZID through the file's
 * own VTIMEZONE; floating times and unknown zones are read in the user's time zone.
 */
function zoneResolver(root: ICAL.Component, userZone: string): ZoneResolver {
  const fileZones = new Map<string, ICAL.Timezone>();
  for (const vtz of root.getAllSubcomponents('vtimezone')) {
    const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '');
    if (tzid) fileZones.set(tzid, new ICAL.Timezone(vtz));
  }
  const cache = new Map<string, { iana: string } | { file: ICAL.Timezone }>();
  const lookup = (tzid: string) => {
    let hit = cache.get(tzid);
    if (!hit) {
      const bare = tzid.replace(/^"|"$/g, '').trim();
      const windows = WINDOWS_ZONES[bare];
      const file = fileZones.get(tzid) ?? fileZones.get(bare);
      if (isIana(bare)) hit = { iana: bare };
      else if (windows) hit = { iana: windows };
      else if (file) hit = { file };
      else hit = { iana: userZone };
      cache.set(tzid, hit);
    }
    return hit;
  };
  return (time, hint) => {
    const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
    const known = time.zone?.tzid;
    if (known === 'UTC' || time.zone === ICAL.Timezone.utcTimezone) return wall;
    const tzid = !known || known === 'floating' ? (time.isDate ? undefined : hint) : known;
    if (!tzid) return wallToUtc(wall, userZone);
    const zone = lookup(tzid);
    if ('iana' in zone) return wallToUtc(wall, zone.iana);
    return wall - zone.file.utcOffset(time) * 1000;
  };
}

const addressOf = (value: unknown, param: unknown): string | null => {
  for (const candidate of [param, value]) {
    if (typeof candidate !== 'string') continue;
    const email = candidate
      .replace(/^mailto:/i, '')
      .trim()
      .toLowerCase();
    if (email.includes('@') && email.length <= 320) return email;
  }
  return null;
};

function peopleOf(event: ICAL.Component): string[] {
  const emails = new Set<string>();
  for (const prop of [...event.getAllProperties('organizer'), ...event.getAllProperties('attendee')]) {
    const email = addressOf(prop.getFirstValue(), prop.getParameter('email'));
    if (email) emails.add(email);
  }
  return [...emails];
}

const text = (event: ICAL.Component, name: string) => {
  const value = event.getFirstPropertyValue(name);
  return typeof value === 'string' ? value.trim() : '';
};

/** A UID made safe for a source id: no ":" (the separator) and a bounded length. */
export function uidKey(uid: string): string {
  const encoded = encodeURIComponent(uid);
  return encoded.length <= 200 ? encoded : `h${sha256(uid).slice(0, 40)}`;
}

/** The occurrence key of an event that does not repeat. */
const ONCE = 'once';

const cancelled = (event: ICAL.Component) => text(event, 'status').toUpperCase() === 'CANCELLED';

/**
 * Parses an iCalendar text with ical.js and expands every event over the window around `now`
 * (LIMITS.icsImport): recurring series by their RRULE/RDATE less EXDATE, overrides (RECURRENCE-ID)
 * replacing or moving their instance, cancelled instances left out. Yields the event loop as it goes.
 */
export async function readCalendar(source: string, options: { now: Date; timezone: string }): Promise<IcsCalendar> {
  const { skeleton, blocks } = splitEvents(source);
  let root: ICAL.Component;
  try {
    root = componentOf(skeleton);
  } catch {
    throw badRequest('This calendar file cannot be read. Export the calendar again as an iCalendar (.ics) file.');
  }
  if (root.name !== 'vcalendar') throw badRequest('This file is not an iCalendar (.ics) file.');
  const limits = LIMITS.icsImport;
  const now = options.now.getTime();
  const from = now - limits.daysBack * 86_400_000;
  const to = now + limits.daysAhead * 86_400_000;
  const instant = zoneResolver(root, options.timezone);
  const broken: IcsCalendar['broken'] = [];
  const occurrences: IcsOccurrence[] = [];
  const full = () => occurrences.length >= limits.maxOccurrences;
  const tzidOf = (item: ICAL.Event, name: 'dtstart' | 'dtend') => {
    const value = item.component.getFirstProperty(name)?.getParameter('tzid');
    return typeof value === 'string' ? value : undefined;
  };
  const push = (item: ICAL.Event, start: ICAL.Time, end: ICAL.Time | null, key: string) => {
    const at = instant(start, tzidOf(item, 'dtstart'));
    if (at < from || at > to || full()) return;
    occurrences.push({
      uid: item.uid,
      key,
      start: new Date(at),
      end: end ? new Date(instant(end, tzidOf(item, 'dtend') ?? tzidOf(item, 'dtstart'))) : null,
      allDay: start.isDate,
      summary: text(item.component, 'summary'),
      description: text(item.component, 'description'),
      location: text(item.component, 'location'),
      emails: peopleOf(item.component),
    });
  };
  const keyOf = (time: ICAL.Time, master: ICAL.Event) =>
    time.isDate ? time.toString() : new Date(instant(time, tzidOf(master, 'dtstart'))).toISOString();
  const single = (event: ICAL.Event) => {
    if (cancelled(event.component)) return;
    try {
      // A one-off event keeps its key when it moves, so a changed file updates its entry.
      const key = event.isRecurrenceException() ? keyOf(event.recurrenceId, event) : ONCE;
      push(event, event.startDate, event.endDate ?? null, key);
    } catch {
      broken.push({ uid: event.uid, reason: 'has a start or end that cannot be read' });
    }
  };

  // Each event is parsed on its own (ical.js), a few per turn of the event loop: a large file does
  // not hold the loop for its whole parse, and one unreadable event does not sink the others. A
  // one-off event becomes its occurrence at once; series and overrides are kept to be joined.
  const masters = new Map<string, ICAL.Event>();
  const overrides: ICAL.Event[] = [];
  const uids = new Set<string>();
  const take = (comp: ICAL.Component) => {
    const uid = text(comp, 'uid');
    if (!uid) {
      broken.push({ uid: '', reason: 'has no UID' });
      return;
    }
    uids.add(uid);
    if (!comp.getFirstProperty('dtstart')) {
      broken.push({ uid, reason: 'has no start (DTSTART)' });
      return;
    }
    const event = new ICAL.Event(comp, { strictExceptions: false });
    if (event.isRecurrenceException()) overrides.push(event);
    else if (event.isRecurring()) masters.set(uid, event);
    else single(event);
  };
  for (const comp of root.getAllSubcomponents('vevent')) take(comp);
  let turn = 0;
  for (const block of blocks) {
    if (++turn % limits.eventsPerTurn === 0) await yieldToLoop();
    let comp: ICAL.Component;
    try {
      comp = componentOf(block);
    } catch {
      broken.push({ uid: '', reason: 'cannot be read' });
      continue;
    }
    if (comp.name === 'vevent') take(comp);
  }
  // An override without its series stands alone.
  for (const ex of overrides) {
    const master = masters.get(ex.uid);
    if (master) master.relateException(ex);
    else single(ex);
  }

  let steps = 0;
  for (const event of masters.values()) {
    if (++turn % limits.eventsPerTurn === 0) await yieldToLoop();
    if (cancelled(event.component)) continue;
    try {
      const iterator = event.iterator();
      for (let n = 0; n < limits.seriesIterations && !full(); n++) {
        if (++steps % limits.stepsPerTurn === 0) await yieldToLoop();
        const next = iterator.next();
        if (!next) break;
        const wall = instant(next, tzidOf(event, 'dtstart'));
        if (wall > to + 86_400_000) break;
        if (wall < from - 366 * 86_400_000) continue;
        const details = event.getOccurrenceDetails(next);
        if (cancelled(details.item.component)) continue;
        push(details.item, details.startDate, details.endDate, keyOf(details.recurrenceId, event));
      }
    } catch {
      broken.push({ uid: event.uid, reason: 'has a recurrence rule that cannot be read' });
    }
  }
  return { events: uids.size, uids: [...uids], occurrences, broken };
}
