import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportedInteraction } from '../../src/shared/api/interactions.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';

/**
 * The dashboard's upcoming sessions: today and the next 7 days (in the user's zone), from synced
 * or imported calendar events (one session per event, with every matched contact), meetings logged
 * ahead and sessions scheduled by hand; in the dashboard's one statement and its cache.
 */

// Monday 18 March 2030, 09:00 in Berlin (08:00 UTC).
const NOW = new Date('2030-03-18T08:00:00.000Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => NOW });
});
afterAll(() => t.close());

const hoursFromNow = (h: number) => new Date(NOW.getTime() + h * 3_600_000).toISOString();

function meeting(contactId: string, event: string, startsAt: string, extra: Partial<ImportedInteraction> = {}): ImportedInteraction {
  return {
    contactId,
    type: 'meeting',
    subject: `Session ${event}`,
    content: '',
    occurredAt: startsAt,
    source: 'calendar',
    sourceId: `primary:${event}:${contactId}`,
    metadata: { kind: 'video', calendarId: 'primary', eventId: event, allDay: false },
    ...extra,
  };
}

async function sessions(client: TestClient, statements: string) {
  const res = await client.get('/api/dashboard/stats');
  expect(res.status, res.text).toBe(200);
  expect(res.headers['x-db-statements']).toBe(statements);
  return res.body.upcomingSessions as {
    key: string;
    title: string;
    startsAt: string;
    allDay: boolean;
    kind: string | null;
    contacts: { id: string; name: string }[];
  }[];
}

describe('upcoming sessions on the dashboard', () => {
  it('lists today and the next 7 days, one session per event with its contacts, soonest first', async () => {
    const a = await signUp(t.app, 'sessions');
    expect((await a.patch('/api/auth/me', { timezone: 'Europe/Berlin' })).status).toBe(200);
    const ann = await createContact(a, { name: 'Ann' });
    const bob = await createContact(a, { name: 'Bob' });
    const { interactions } = t.app.services;
    await interactions.upsertMany(a.userId, [
      // Earlier today (local): still today's session.
      meeting(ann.id, 'early', '2030-03-18T06:30:00.000Z'),
      // One event with both clients: one session.
      meeting(bob.id, 'group', hoursFromNow(3)),
      meeting(ann.id, 'group', hoursFromNow(3)),
      meeting(bob.id, 'allday', '2030-03-20T12:00:00Z', { metadata: { kind: 'in_person', allDay: true } }),
      // The last local day of the window (Monday 25th, 23:00 in Berlin), then the first one past it.
      meeting(ann.id, 'edge', '2030-03-25T22:00:00.000Z'),
      meeting(ann.id, 'later', '2030-03-25T23:30:00.000Z'),
      // Yesterday (local: Sunday 23:30 in Berlin).
      meeting(ann.id, 'past', '2030-03-17T22:30:00.000Z'),
    ]);
    const note = await a.post('/api/interactions', {
      contactId: bob.id,
      type: 'note',
      subject: 'Not a session',
      occurredAt: hoursFromNow(2),
    });
    expect(note.status, note.text).toBe(201);
    const cancelled = await a.post('/api/interactions', {
      contactId: bob.id,
      type: 'meeting',
      subject: 'Deleted',
      occurredAt: hoursFromNow(4),
    });
    expect((await a.delete(`/api/interactions/${cancelled.body.id}`)).status).toBe(204);
    const manual = await a.post('/api/calendar/events', { title: 'Intake', startsAt: hoursFromNow(26), contactId: ann.id });
    expect(manual.status, manual.text).toBe(201);
    expect((await a.post('/api/calendar/events', { title: 'Admin block', startsAt: hoursFromNow(27) })).status).toBe(201);

    // Someone else's sessions never show.
    const b = await signUp(t.app, 'sessions-other');
    const other = await createContact(b, { name: 'Other' });
    await interactions.upsertMany(b.userId, [meeting(other.id, 'theirs', hoursFromNow(1))]);

    const list = await sessions(a, '1');
    expect(list.map((s) => [s.title, s.startsAt, s.contacts.map((c) => c.name)])).toEqual([
      ['Session early', '2030-03-18T06:30:00.000Z', ['Ann']],
      ['Session group', hoursFromNow(3), ['Ann', 'Bob']],
      ['Intake', hoursFromNow(26), ['Ann']],
      ['Admin block', hoursFromNow(27), []],
      ['Session allday', '2030-03-20T12:00:00.000Z', ['Bob']],
      ['Session edge', '2030-03-25T22:00:00.000Z', ['Ann']],
    ]);
    expect(list[1]).toMatchObject({ kind: 'video', allDay: false, contacts: [{ id: ann.id }, { id: bob.id }] });
    expect(list[4]).toMatchObject({ kind: 'in_person', allDay: true });
    expect(new Set(list.map((s) => s.key)).size).toBe(list.length);

    // From the cache until the next write; a write shows at once.
    expect(await sessions(a, '0')).toEqual(list);
    await interactions.removeFromSource(a.userId, 'calendar', 'primary:group:');
    expect((await sessions(a, '1')).map((s) => s.title)).not.toContain('Session group');
  });
});
