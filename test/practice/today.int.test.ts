import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

type Client = Awaited<ReturnType<typeof signUp>>;

// Monday 18 March 2030, 13:00 in Los Angeles (PDT, UTC−7): already 20:00 in UTC.
const NOW = new Date('2030-03-18T20:00:00.000Z');
let now = NOW;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

async function created(res: Promise<{ status: number; text: string; body: any }>) {
  const r = await res;
  expect(r.status, r.text).toBe(201);
  return r.body;
}
async function today(client: TestClient, expectedStatements?: number) {
  const res = await client.get('/api/today');
  expect(res.status, res.text).toBe(200);
  if (expectedStatements !== undefined) expect(res.headers['x-db-statements']).toBe(String(expectedStatements));
  return res.body;
}
const names = (list: { contact: { name: string } }[]) => list.map((r) => r.contact.name);

describe('GET /api/today', () => {
  let a: Client;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    a = await signUp(t.app, 'today');
    const b = await signUp(t.app, 'today-b');
    expect((await a.patch('/api/auth/me', { timezone: 'America/Los_Angeles' })).status).toBe(200);
    const person = async (name: string, body: Record<string, unknown> = {}, metAt?: string) => {
      const c = await created(a.post('/api/contacts', { name, phones: ['+1 415 555 0100'], ...body }));
      ids[name] = c.id;
      if (metAt) await created(a.post('/api/interactions', { contactId: c.id, type: 'meeting', occurredAt: metAt }));
      return c;
    };
    // Overdue relative to their cadence: Lou 4×, Sam 5×, Olga 80× (all capped at 3×: most recent first), Rita 1.5×.
    await person('Olga Old', { lifecycleStage: 'core_client' }, '2027-03-01T18:00:00Z');
    await person('Rita Recent', { lifecycleStage: 'core_client', keepInTouchDays: 10 }, '2030-03-03T20:00:00Z');
    await person('Lou Lapsed', { lifecycleStage: 'core_client', keepInTouchDays: 10 }, '2030-02-06T20:00:00Z');
    await person('Sam Snoozed', { lifecycleStage: 'core_client' }, '2030-01-01T20:00:00Z');
    await person('Fay Fresh', { lifecycleStage: 'core_client', keepInTouchDays: 10 }, '2030-03-15T20:00:00Z');
    await person('Nia Never', { lifecycleStage: 'discovery' });
    await person('Quinn Never', { lifecycleStage: 'new_client' });
    await person('Ina Inactive', { lifecycleStage: 'inactive' });
    await person('Ivo Inactive', { lifecycleStage: 'inactive' }, '2029-01-01T20:00:00Z');
    await person('Arch Ived', { status: 'archived', birthday: '1980-03-18' });
    await person('Bea Birthday', { lifecycleStage: 'ambassador', birthday: '1990-03-20' }, '2030-03-17T20:00:00Z');
    await person('Ted Today', { lifecycleStage: 'ambassador', birthday: '1980-03-18' }, '2030-03-17T20:00:00Z');
    await person('Nat Nextweek', { lifecycleStage: 'ambassador', birthday: '1985-03-26' }, '2030-03-17T20:00:00Z');

    const event = (title: string, startsAt: string, contactId?: string) =>
      created(a.post('/api/calendar/events', { title, startsAt, ...(contactId ? { contactId } : {}) }));
    await event('Yesterday late', '2030-03-18T06:00:00Z'); // 23:00 on the 17th, local
    await event('Morning flow', '2030-03-18T16:00:00Z', ids['Rita Recent']); // 09:00 today
    await event('Late check-in', '2030-03-19T06:30:00Z'); // 23:30 today (the 19th in UTC)
    await event('Tomorrow breathwork', '2030-03-19T17:00:00Z', ids['Lou Lapsed']); // 10:00 tomorrow
    await event('After tomorrow', '2030-03-20T07:30:00Z'); // 00:30 on the 20th
    await created(b.post('/api/calendar/events', { title: 'B session', startsAt: '2030-03-18T17:00:00Z' }));

    const task = (title: string, dueAt: string, status = 'pending') => created(a.post('/api/tasks', { title, dueAt, status }));
    await task('Overdue since last night', '2030-03-18T06:30:00Z'); // 23:30 on the 17th
    await task('Just after midnight', '2030-03-18T07:30:00Z'); // 00:30 today
    await task('Last minute of today', '2030-03-19T06:59:00Z'); // 23:59 today
    await task('Tomorrow', '2030-03-19T07:00:00Z');
    await task('Done long ago', '2030-03-01T07:00:00Z', 'completed');
    await created(b.post('/api/tasks', { title: 'B overdue', dueAt: '2030-03-01T07:00:00Z' }));
  });

  it('answers sessions, ranked reconnect groups, birthdays with age and tasks, in one statement, then from the cache', async () => {
    const body = await today(a, 1);
    expect(body.timezone).toBe('America/Los_Angeles');
    expect(body.date).toBe('2030-03-18');
    expect(body.sessions.map((s: any) => [s.title, s.day, s.contact?.name ?? null])).toEqual([
      ['Morning flow', 'today', 'Rita Recent'],
      ['Late check-in', 'today', null],
      ['Tomorrow breathwork', 'tomorrow', 'Lou Lapsed'],
    ]);
    expect(body.sessions[0]).toMatchObject({ startsAt: '2030-03-18T16:00:00.000Z', contact: { phone: '+1 415 555 0100' } });

    expect(names(body.reconnect.due)).toEqual(['Lou Lapsed', 'Sam Snoozed', 'Olga Old', 'Rita Recent']);
    expect(body.reconnect.due[3]).toMatchObject({ cadenceDays: 10, daysSinceContact: 15, overdueDays: 5, timesCadence: 1.5 });
    expect(body.reconnect.dueCount).toBe(4);
    expect(names(body.reconnect.never)).toEqual(['Quinn Never', 'Nia Never']);
    expect(body.reconnect.neverCount).toBe(2);
    expect(names(body.reconnect.inactive)).toEqual(['Ivo Inactive', 'Ina Inactive']);
    expect(body.reconnect.inactiveCount).toBe(2);

    expect(body.birthdays.map((b: any) => [b.name, b.date, b.daysAway, b.age])).toEqual([
      ['Ted Today', '2030-03-18', 0, 50],
      ['Bea Birthday', '2030-03-20', 2, 40],
    ]);

    expect(body.tasks.overdue.map((k: any) => k.title)).toEqual(['Overdue since last night']);
    expect(body.tasks.overdueCount).toBe(1);
    expect(body.tasks.dueToday.map((k: any) => k.title)).toEqual(['Just after midnight', 'Last minute of today']);
    expect(body.tasks.dueTodayCount).toBe(2);

    expect(await today(a, 0)).toEqual(body);
  });

  it('snoozing hides a person from Today, the reconnect list and the follow-up count until the snooze ends', async () => {
    const followUps = async () => (await a.get('/api/dashboard/stats')).body.followUpsDue;
    const before = await followUps();
    const res = await a.post(`/api/contacts/${ids['Sam Snoozed']}/snooze`, { days: 3 });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ id: ids['Sam Snoozed'], snoozedUntil: '2030-03-21T20:00:00.000Z' });

    const body = await today(a, 1);
    expect(names(body.reconnect.due)).toEqual(['Lou Lapsed', 'Olga Old', 'Rita Recent']);
    expect(body.reconnect.dueCount).toBe(3);
    expect(await followUps()).toBe(before - 1);
    const list = await a.get('/api/reconnect?limit=50');
    expect(list.body.items.map((r: any) => r.contact.name)).not.toContain('Sam Snoozed');

    now = new Date('2030-03-21T20:00:01.000Z');
    try {
      expect(names((await today(a)).reconnect.due)).toContain('Sam Snoozed');
    } finally {
      now = NOW;
    }
  });

  it('logging a session takes a person off the list at once', async () => {
    await created(a.post('/api/interactions', { contactId: ids['Rita Recent'], type: 'meeting' }));
    expect(names((await today(a, 1)).reconnect.due)).not.toContain('Rita Recent');
  });

  it('refuses bad snoozes and events clearly', async () => {
    const bad = await a.post(`/api/contacts/${ids['Lou Lapsed']}/snooze`, { days: 400 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const missing = await a.post(`/api/contacts/${crypto.randomUUID()}/snooze`, { days: 2 });
    expect(missing.status).toBe(404);
    const backwards = await a.post('/api/calendar/events', {
      title: 'Backwards',
      startsAt: '2030-03-18T10:00:00Z',
      endsAt: '2030-03-18T09:00:00Z',
    });
    expect(backwards.status).toBe(400);
  });
});
