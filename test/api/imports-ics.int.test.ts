import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { FIXTURES, fixture, importFile, postForm } from '../support/imports.js';
import fs from 'node:fs';

// The fixtures are old exports: each test sets the clock near its file's dates (the import window
// is two years back and one year ahead of now), then signs up.
let now = new Date('2019-03-01T12:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

type Entry = { contactId: string; subject: string; occurredAt: string; sourceId: string; source: string; type: string };

async function entriesOf(client: TestClient, contactId: string): Promise<Entry[]> {
  const all: Entry[] = [];
  let cursor = '';
  for (;;) {
    const res = await client.get(`/api/contacts/${contactId}/interactions?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    all.push(...res.body.items);
    if (!res.body.nextCursor) break;
    cursor = encodeURIComponent(res.body.nextCursor);
  }
  return all.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.subject.localeCompare(b.subject));
}

async function consentingContact(client: TestClient, name: string, emails: string[]) {
  const c = await createContact(client, { name, emails });
  const res = await client.request('PUT', `/api/contacts/${c.id}/consents/calendar_ingestion`, { granted: true, method: 'form' });
  expect(res.status, res.text).toBe(200);
  return c;
}

/** The fixture with an organiser on every event, so each of its occurrences reaches the timeline. */
const withOrganizer = (name: string, email: string) =>
  Buffer.from(
    fixture(name)
      .toString('utf8')
      .replace(/^BEGIN:VEVENT\r?$/gm, (line) => `${line}\nORGANIZER:mailto:${email}`),
  );

const calendarFixtures = () => fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.ics'));

const importIcs = (client: TestClient, file: Buffer) => importFile(client, file);

describe('calendar fixtures: counts, titles and times in their time zones', () => {
  it('Google public export: 58 events, weekly series with EXDATE across DST, attendee matched case-insensitively', async () => {
    now = new Date('2019-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const name = 'google-calendar-public-export-recurring-exdate-overrides.ics';
    const group = await consentingContact(a, 'Group', ['J68LHV614HBV3U4TTBRS6GLHPG@group.calendar.google.com']);
    const preview = await postForm(a, '/api/imports/preview', fixture(name), {}, 'calendar.ics');
    expect(preview.status, preview.text).toBe(200);
    expect(preview.body).toMatchObject({ format: 'ics', total: 58, columns: [], rows: [] });
    expect(preview.body.calendar).toMatchObject({ events: 58, withContacts: 56 });

    const job = await importIcs(a, fixture(name));
    expect(job.status).toBe('finished');
    expect(job.format).toBe('ics');
    const entries = await entriesOf(a, group.id);
    // Montessori: weekly on Thursdays 08:30 Europe/Berlin from 2019-02-28, no end, 2019-03-07 excluded,
    // expanded up to one year ahead: 53 Thursdays less one.
    const montessori = entries.filter((e) => e.subject === 'Montessori Schulklasse');
    expect(montessori).toHaveLength(52);
    expect(montessori[0]!.occurredAt).toBe('2019-02-28T07:30:00.000Z');
    expect(montessori.map((e) => e.occurredAt)).not.toContain('2019-03-07T07:30:00.000Z');
    expect(montessori[1]!.occurredAt).toBe('2019-03-14T07:30:00.000Z');
    // Summer time from 31 March: still 08:30 in Berlin.
    expect(montessori[4]!.occurredAt).toBe('2019-04-04T06:30:00.000Z');
    expect(entries.filter((e) => e.subject === 'Open Health HACKademy').map((e) => e.occurredAt)).toEqual([
      '2019-03-09T08:30:00.000Z',
      '2019-03-16T08:30:00.000Z',
    ]);
    expect(entries.filter((e) => e.subject === 'Workshop DiReBio').map((e) => e.occurredAt)).toEqual(['2019-02-28T14:00:00.000Z']);
    // Every two weeks on Tuesdays, 19:00 Berlin, until 4 September 2017: only 22 August is left.
    expect(entries.filter((e) => e.subject === 'OK Lab Potsdam').map((e) => e.occurredAt)).toEqual(['2017-08-22T17:00:00.000Z']);
    expect(entries).toHaveLength(56);
    expect(entries.every((e) => e.type === 'meeting' && e.source === 'import')).toBe(true);
    expect(job.report.calendar).toMatchObject({ events: 58, created: 56, updated: 0, unchanged: 0 });
    expect(job.report.calendar.unmatched).toBe(job.report.calendar.occurrences - 56);

    // The same file again changes nothing.
    const again = await importIcs(a, fixture(name));
    expect(again.report.calendar).toMatchObject({ created: 0, updated: 0, unchanged: 56, removed: 0 });
    expect(await entriesOf(a, group.id)).toEqual(entries);
  });

  it('Google export with overrides: moved and retitled instances keep one entry each', async () => {
    now = new Date('2019-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const me = await consentingContact(a, 'Me', ['me@example.test']);
    const name = 'google-calendar-public-export-recurring-exdate-overrides.ics';
    const job = await importIcs(a, withOrganizer(name, 'me@example.test'));
    const entries = await entriesOf(a, me.id);
    expect(job.report.calendar).toMatchObject({ events: 58, unmatched: 0 });
    expect(entries).toHaveLength(job.report.calendar.occurrences);
    // One entry per occurrence key: overrides replace their instance instead of adding one.
    expect(new Set(entries.map((e) => e.sourceId)).size).toBe(entries.length);
  });

  it('Outlook 2007: Windows TZID "Pacific Time (US & Canada)" read through the VTIMEZONE, all-day events', async () => {
    now = new Date('2009-06-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const me = await consentingContact(a, 'Me', ['me@example.test']);
    const job = await importIcs(a, withOrganizer('outlook-2007-calendar-export-windows-tzid.ics', 'me@example.test'));
    expect(job.report.calendar.events).toBe(31);
    const entries = await entriesOf(a, me.id);
    const weekly = entries.filter((e) => e.subject === 'Weekly Invoice');
    // FREQ=WEEKLY;COUNT=50;BYDAY=FR at 18:00 Pacific: 02:00Z (PST), 01:00Z after 8 March 2009 (PDT).
    expect(weekly).toHaveLength(50);
    expect(weekly[0]!.occurredAt).toBe('2008-11-08T02:00:00.000Z');
    expect(weekly.find((e) => e.occurredAt.startsWith('2009-03-07'))?.occurredAt).toBe('2009-03-07T02:00:00.000Z');
    expect(weekly.find((e) => e.occurredAt.startsWith('2009-03-14'))?.occurredAt).toBe('2009-03-14T01:00:00.000Z');
    expect(entries.find((e) => e.subject === 'Meeting with Joe Hobson / Navigation North and Credentify')?.occurredAt).toBe(
      '2008-11-05T05:00:00.000Z',
    );
  });

  it('Exchange 2007: unquoted "W. Europe Standard Time", organiser and attendee matched', async () => {
    now = new Date('2015-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const organiser = await consentingContact(a, 'Organiser', ['Name@Example.com']);
    const attendee = await consentingContact(a, 'Attendee', ['other@example.test', 'name@example.net']);
    const job = await importIcs(a, fixture('exchange-2007-invitation-umlauts.ics'));
    expect(job.report.calendar).toMatchObject({ events: 1, occurrences: 1, created: 2, unmatched: 0 });
    for (const c of [organiser, attendee]) {
      const [e] = await entriesOf(a, c.id);
      // 13:00 in Berlin (CET) on 4 March 2015.
      expect(e).toMatchObject({ subject: 'Blocker Wie bleibe ich gesund? Ernährung', occurredAt: '2015-03-04T12:00:00.000Z' });
    }
  });

  it('Apple Calendar: Europe/Berlin summer time, three attendees, only consenting contacts', async () => {
    now = new Date('2015-08-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const susan = await consentingContact(a, 'Susan Clever', ['sclever@tine20.org']);
    const noConsent = await createContact(a, { name: 'P W', emails: ['pwulf@tine20.org'] });
    const job = await importIcs(a, fixture('apple-calendar-macos-attendees-organizer.ics'));
    expect(job.report.calendar).toMatchObject({ events: 1, occurrences: 1, created: 1 });
    expect(await entriesOf(a, susan.id)).toEqual([expect.objectContaining({ subject: 'TEST20', occurredAt: '2015-08-14T11:45:00.000Z' })]);
    expect(await entriesOf(a, noConsent.id)).toEqual([]);
  });

  it('Apple iCal all-day daily series: EXDATE and a RECURRENCE-ID override, days in the user time zone', async () => {
    now = new Date('2012-01-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const me = await consentingContact(a, 'Me', ['me@example.test']);
    const job = await importIcs(a, withOrganizer('apple-ical-allday-recurring-exdate-override.ics', 'me@example.test'));
    expect(job.report.calendar).toMatchObject({ events: 1, occurrences: 4, created: 4 });
    // 8 to 12 November 2011, the 11th excluded; the 9th is the override (same day); the user's zone is UTC.
    expect((await entriesOf(a, me.id)).map((e) => [e.subject, e.occurredAt])).toEqual([
      ['wdh.', '2011-11-08T00:00:00.000Z'],
      ['wdh.', '2011-11-09T00:00:00.000Z'],
      ['wdh.', '2011-11-10T00:00:00.000Z'],
      ['wdh.', '2011-11-12T00:00:00.000Z'],
    ]);
  });

  it('Google invitation: UTC times, organiser and attendees folded mid-parameter', async () => {
    now = new Date('2019-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const c = await consentingContact(a, 'Unit', ['unittest@tine20.org']);
    const job = await importIcs(a, fixture('google-calendar-invite-request-attendees.ics'));
    expect(job.report.calendar).toMatchObject({ events: 1, occurrences: 1, created: 1 });
    expect(await entriesOf(a, c.id)).toEqual([expect.objectContaining({ subject: 'test', occurredAt: '2019-02-05T15:00:00.000Z' })]);
  });
});

/** A small calendar: a weekly series in New York across the March DST change, with overrides. */
function series(opts: { title?: string; moved?: string; exdate?: boolean; extra?: boolean }) {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    'BEGIN:VEVENT',
    'UID:series-1@test',
    'DTSTAMP:20250101T000000Z',
    'DTSTART;TZID=America/New_York:20250303T090000',
    'DTEND;TZID=America/New_York:20250303T100000',
    'RRULE:FREQ=WEEKLY;COUNT=4',
    ...(opts.exdate ? ['EXDATE;TZID=America/New_York:20250324T090000'] : []),
    `SUMMARY:${opts.title ?? 'Supervision'}`,
    'ORGANIZER:mailto:client@example.test',
    'END:VEVENT',
    ...(opts.moved
      ? [
          'BEGIN:VEVENT',
          'UID:series-1@test',
          'DTSTAMP:20250101T000000Z',
          'RECURRENCE-ID;TZID=America/New_York:20250317T090000',
          `DTSTART;TZID=America/New_York:${opts.moved}`,
          'DTEND;TZID=America/New_York:20250318T120000',
          'SUMMARY:Supervision (moved)',
          'ORGANIZER:mailto:client@example.test',
          'END:VEVENT',
        ]
      : []),
    ...(opts.extra
      ? [
          'BEGIN:VEVENT',
          'UID:single-2@test',
          'DTSTAMP:20250101T000000Z',
          'DTSTART:20250401T150000Z',
          'SUMMARY:Intake',
          'ATTENDEE;CN=Client:mailto:CLIENT@example.test',
          'END:VEVENT',
        ]
      : []),
    'END:VCALENDAR',
  ];
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

describe('re-imports and changed files', () => {
  it('a changed file updates the changed occurrences only and removes the ones it lost', async () => {
    now = new Date('2025-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const c = await consentingContact(a, 'Client', ['client@example.test']);
    const first = await importIcs(a, series({ extra: true }));
    expect(first.report.calendar).toMatchObject({ events: 2, occurrences: 5, created: 5 });
    const before = await entriesOf(a, c.id);
    // 09:00 New York: EST (14:00Z) on 3 March, EDT (13:00Z) from 10 March.
    expect(before.map((e) => e.occurredAt)).toEqual([
      '2025-03-03T14:00:00.000Z',
      '2025-03-10T13:00:00.000Z',
      '2025-03-17T13:00:00.000Z',
      '2025-03-24T13:00:00.000Z',
      '2025-04-01T15:00:00.000Z',
    ]);

    // The 17th moved to the 18th at 11:00 and the 24th cancelled by EXDATE; the single event is not in
    // this file, and a file speaks only for the events (UIDs) it holds, so its entry stays.
    const second = await importIcs(a, series({ moved: '20250318T110000', exdate: true }));
    expect(second.report.calendar).toMatchObject({ events: 1, occurrences: 3, created: 0, updated: 1, unchanged: 2, removed: 1 });
    const after = await entriesOf(a, c.id);
    expect(after.map((e) => [e.subject, e.occurredAt])).toEqual([
      ['Supervision', '2025-03-03T14:00:00.000Z'],
      ['Supervision', '2025-03-10T13:00:00.000Z'],
      ['Supervision (moved)', '2025-03-18T15:00:00.000Z'],
      ['Intake', '2025-04-01T15:00:00.000Z'],
    ]);
    // The unchanged entries are the same rows as before.
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
  });

  it("user A's import never touches user B", async () => {
    now = new Date('2025-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const b = await signUp(t.app, 'ics');
    const ca = await consentingContact(a, 'Client', ['client@example.test']);
    const cb = await consentingContact(b, 'Client', ['client@example.test']);
    const bJob = await importIcs(b, series({}));
    expect(bJob.report.calendar.created).toBe(4);
    const bBefore = await entriesOf(b, cb.id);
    const aJob = await importIcs(a, series({ title: 'Other title', exdate: true }));
    expect(aJob.report.calendar).toMatchObject({ created: 3, updated: 0 });
    expect(await entriesOf(a, ca.id)).toHaveLength(3);
    expect(await entriesOf(b, cb.id)).toEqual(bBefore);
  });
});

describe('time zones, cancellations and broken events', () => {
  it('every calendar fixture previews as ics with its number of events', async () => {
    const expected: Record<string, [string, number]> = {
      'google-calendar-public-export-recurring-exdate-overrides.ics': ['2019-03-01T12:00:00Z', 58],
      'google-calendar-invite-request-attendees.ics': ['2019-03-01T12:00:00Z', 1],
      'outlook-2007-calendar-export-windows-tzid.ics': ['2009-06-01T12:00:00Z', 31],
      'exchange-2007-invitation-umlauts.ics': ['2015-03-01T12:00:00Z', 1],
      'apple-ical-allday-recurring-exdate-override.ics': ['2012-01-01T12:00:00Z', 1],
      'apple-calendar-macos-attendees-organizer.ics': ['2015-08-01T12:00:00Z', 1],
    };
    expect(Object.keys(expected).sort()).toEqual(calendarFixtures().sort());
    for (const [name, [at, events]] of Object.entries(expected)) {
      now = new Date(at);
      const a = await signUp(t.app, 'ics');
      const res = await postForm(a, '/api/imports/preview', fixture(name), {}, name);
      expect(res.status, `${name}: ${res.text}`).toBe(200);
      expect(res.body, name).toMatchObject({ format: 'ics', total: events, calendar: { events } });
      expect(res.body.calendar.occurrences, name).toBeGreaterThan(0);
    }
  });

  it('a Windows TZID without a VTIMEZONE, an EMAIL parameter, a cancelled event and an unreadable one', async () => {
    now = new Date('2025-06-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const c = await consentingContact(a, 'Client', ['client@example.test']);
    const file = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'BEGIN:VEVENT',
      'UID:win@test',
      'DTSTART;TZID=W. Europe Standard Time:20250115T100000',
      'SUMMARY:Winter session',
      'ATTENDEE;EMAIL=Client@Example.test;CN=Client:urn:uuid:1234',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:win-summer@test',
      'DTSTART;TZID="Eastern Standard Time":20250715T100000',
      'SUMMARY:Summer session',
      'ORGANIZER:mailto:client@example.test',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:cancelled@test',
      'DTSTART:20250301T100000Z',
      'STATUS:CANCELLED',
      'SUMMARY:Cancelled',
      'ORGANIZER:mailto:client@example.test',
      'END:VEVENT',
      'BEGIN:VEVENT',
      'UID:broken@test',
      'this line is not a property',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const job = await importIcs(a, Buffer.from(file));
    expect(job.status).toBe('finished');
    expect(job.report).toMatchObject({ created: 2, failed: 1 });
    expect(job.report.failures).toEqual([{ line: 1, field: 'event', reason: 'cannot be read' }]);
    expect((await entriesOf(a, c.id)).map((e) => [e.subject, e.occurredAt])).toEqual([
      // 10:00 in Berlin in winter (UTC+1); 10:00 in New York in summer (UTC-4).
      ['Winter session', '2025-01-15T09:00:00.000Z'],
      ['Summer session', '2025-07-15T14:00:00.000Z'],
    ]);
  });
});

describe('bad calendar files', () => {
  it('a broken file fails with a reason; a mapping is refused', async () => {
    now = new Date('2025-03-01T12:00:00Z');
    const a = await signUp(t.app, 'ics');
    const withMapping = await postForm(a, '/api/imports/preview', series({}), { mapping: '["name"]' }, 'c.ics');
    expect(withMapping.status).toBe(400);
    const broken = await postForm(
      a,
      '/api/imports/preview',
      Buffer.from('BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2025\r\n'),
      {},
      'c.ics',
    );
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/calendar file cannot be read/);
  });
});
