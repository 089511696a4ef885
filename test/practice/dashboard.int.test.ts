import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emails } from '../../src/server/db/schema/index.js';
import { createTestApp, hasRedis, type TestApp } from '../support/app.js';
import { signUp, TestClient } from '../support/client.js';

type Client = Awaited<ReturnType<typeof signUp>>;

// Sunday 17 March 2030, 23:30 in New York (EDT) while it is already Monday in UTC; DST began on
// 10 March, inside the 12-week window.
const NOW = new Date('2030-03-18T03:30:00.000Z');
let now = NOW;
/** Runs once when the dashboard service next reads the clock (to simulate a write racing a computation). */
let duringDashboardCompute: (() => void) | undefined;
const clock = () => {
  if (duringDashboardCompute && new Error().stack?.includes('dashboard.service')) {
    const hook = duringDashboardCompute;
    duringDashboardCompute = undefined;
    hook();
  }
  return now;
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock });
});
afterAll(() => t.close());

async function created(res: Promise<{ status: number; text: string; body: any }>) {
  const r = await res;
  expect(r.status, r.text).toBe(201);
  return r.body;
}
async function stats(client: TestClient, expectedStatements?: number) {
  const res = await client.get('/api/dashboard/stats');
  expect(res.status, res.text).toBe(200);
  if (expectedStatements !== undefined) expect(res.headers['x-db-statements']).toBe(String(expectedStatements));
  return res.body;
}
const at = async (iso: string, fn: () => Promise<unknown>) => {
  now = new Date(iso);
  try {
    await fn();
  } finally {
    now = NOW;
  }
};

async function seedPractice(a: Client, b: Client) {
  expect((await a.patch('/api/auth/me', { timezone: 'America/New_York' })).status).toBe(200);
  const contact = (body: Record<string, unknown>) => created(a.post('/api/contacts', body));
  const ava = await contact({ name: 'Ava', lifecycleStage: 'core_client', birthday: '1990-03-17' });
  const ben = await contact({ name: 'Ben', lifecycleStage: 'new_client', birthday: '1985-04-16' });
  const cleo = await contact({ name: 'Cleo', lifecycleStage: 'discovery', birthday: '1985-04-17' });
  const dev = await contact({ name: 'Dev', lifecycleStage: 'ambassador', birthday: '1990-03-16' });
  await contact({
    name: 'Eli',
    lifecycleStage: 'inactive',
    importantDates: [
      { label: 'Started coaching', date: '2021-03-20' },
      { label: 'Retreat', date: '2031-03-25' },
      { label: 'Anniversary', date: '2020-04-01' },
    ],
  });
  await contact({ name: 'Fay', lifecycleStage: 'collaborator', status: 'archived', birthday: '1970-03-18' });
  const gus = await contact({ name: 'Gus', lifecycleStage: 'curious', birthday: '1992-02-29' });

  const interaction = (contactId: string, type: string, occurredAt: string) =>
    created(a.post('/api/interactions', { contactId, type, occurredAt }));
  await interaction(ava.id, 'meeting', '2030-03-11T04:30:00Z'); // Mon 00:30 local: this week
  await interaction(ava.id, 'class_attendance', '2030-03-18T03:00:00Z'); // Sun 23:00 local: this week
  await interaction(ava.id, 'meeting', '2030-03-18T04:30:00Z'); // Mon 00:30 local: next week
  await interaction(ben.id, 'meeting', '2030-03-11T03:30:00Z'); // Sun 23:30 local: last week
  await interaction(ben.id, 'class_attendance', '2030-03-04T05:30:00Z'); // Mon 00:30 EST: last week
  await interaction(ben.id, 'meeting', '2030-03-13T15:00:00Z'); // this week
  await interaction(cleo.id, 'meeting', '2030-03-04T04:30:00Z'); // Sun 23:30 EST: two weeks ago
  await interaction(cleo.id, 'note', '2029-12-24T15:00:00Z'); // first week of the window
  await interaction(dev.id, 'call', '2030-03-12T15:00:00Z'); // this week, not a session
  await interaction(gus.id, 'email', '2029-12-24T04:00:00Z'); // Sun 23:00 local: before the window

  const goal = (body: Record<string, unknown>) => created(a.post('/api/goals', { contactId: ava.id, ...body }));
  const g1 = await goal({ title: 'Completed 1 March, local time' });
  await at('2030-03-01T05:30:00Z', () => a.patch(`/api/goals/${g1.id}`, { status: 'completed' }));
  const g2 = await goal({ title: 'Completed 28 February, local time' });
  await at('2030-03-01T04:30:00Z', () => a.patch(`/api/goals/${g2.id}`, { status: 'completed' }));
  const g3 = await goal({ title: 'Completed then paused' });
  await a.patch(`/api/goals/${g3.id}`, { status: 'completed' });
  await a.patch(`/api/goals/${g3.id}`, { status: 'paused' });
  await goal({ title: 'Created completed', status: 'completed' });
  await goal({ title: 'Active' });

  const task = (body: Record<string, unknown>) => created(a.post('/api/tasks', body));
  await task({ title: 'Overdue pending', dueAt: '2030-03-17T00:00:00Z' });
  await task({ title: 'Overdue in progress', dueAt: '2030-03-18T03:00:00Z', status: 'in_progress' });
  await task({ title: 'Done', dueAt: '2030-03-10T00:00:00Z', status: 'completed' });
  await task({ title: 'Cancelled', dueAt: '2030-03-10T00:00:00Z', status: 'cancelled' });
  await task({ title: 'Later', dueAt: '2030-03-20T00:00:00Z' });
  await task({ title: 'Someday' });

  let n = 0;
  const email = (userId: string, direction: 'inbound' | 'outbound', threadId: string, sentAt: string, contactId: string | null) => ({
    userId,
    gmailMessageId: `m-${++n}-${crypto.randomUUID()}`,
    threadId,
    direction,
    contactId,
    fromAddress: direction === 'inbound' ? 'client@example.test' : 'me@example.test',
    sentAt: new Date(sentAt),
  });
  await t.database.db.insert(emails).values([
    email(a.userId, 'inbound', 'T1', '2030-03-10T10:00:00Z', ava.id), // answered after 23 h
    email(a.userId, 'outbound', 'T1', '2030-03-11T09:00:00Z', ava.id),
    email(a.userId, 'inbound', 'T2', '2030-03-01T10:00:00Z', ben.id), // answered after 72 h: too late
    email(a.userId, 'outbound', 'T2', '2030-03-04T10:00:00Z', ben.id),
    email(a.userId, 'inbound', 'T3', '2030-03-17T20:00:00Z', cleo.id), // 7.5 h old, unanswered: not judged yet
    email(a.userId, 'inbound', 'T4', '2030-03-17T22:00:00Z', dev.id), // recent and answered: counts
    email(a.userId, 'outbound', 'T4', '2030-03-18T01:00:00Z', dev.id),
    email(a.userId, 'inbound', 'T5', '2030-03-10T10:00:00Z', null), // not from a client
    email(a.userId, 'inbound', 'T6', '2029-11-01T10:00:00Z', ava.id), // older than 90 days
    email(a.userId, 'inbound', 'T7', '2030-03-12T10:00:00Z', ben.id), // the reply went to another thread
    email(a.userId, 'outbound', 'T8', '2030-03-12T11:00:00Z', ben.id),
    email(a.userId, 'outbound', 'T9', '2030-03-14T09:00:00Z', ava.id), // an outbound before the inbound is no answer
    email(a.userId, 'inbound', 'T9', '2030-03-14T10:00:00Z', ava.id),
    email(b.userId, 'outbound', 'T2', '2030-03-01T12:00:00Z', null), // another user's thread of the same id
  ]);
  return { ava, ben, gus };
}

describe('dashboard figures', () => {
  let a: Client;
  let seeded: Awaited<ReturnType<typeof seedPractice>>;
  beforeAll(async () => {
    now = NOW;
    a = await signUp(t.app, 'dash-figures');
    const b = await signUp(t.app, 'dash-figures-b');
    seeded = await seedPractice(a, b);
  });

  it('match the hand-computed values, in one statement, then from the cache in none', async () => {
    const cold = await stats(a, 1);
    expect(cold).toEqual({
      clientsByStage: {
        discovery: 1,
        curious: 1,
        new_client: 1,
        core_client: 1,
        ambassador: 1,
        needs_reconnecting: 0,
        inactive: 1,
        collaborator: 1,
      },
      totalContacts: 7,
      sessionsThisWeek: 3,
      sessionsLastWeek: 2,
      // Up to Sunday 23:30 of last week: Ben's meeting at exactly that minute is not before it.
      sessionsLastWeekToDate: 1,
      interactionsLastWeekToDate: 1,
      goalsAchievedThisMonth: 2,
      responseRate: { value: 0.4, reason: null },
      interactionsPerWeek: [
        ['2029-12-24', 1],
        ['2029-12-31', 0],
        ['2030-01-07', 0],
        ['2030-01-14', 0],
        ['2030-01-21', 0],
        ['2030-01-28', 0],
        ['2030-02-04', 0],
        ['2030-02-11', 0],
        ['2030-02-18', 0],
        ['2030-02-25', 1],
        ['2030-03-04', 2],
        ['2030-03-11', 4],
      ].map(([weekStart, count]) => ({ weekStart, count })),
      // Eli (inactive, never contacted, created years before) and Gus (curious, last seen in December).
      followUpsDue: 2,
      overdueTasks: 2,
      upcomingDates: [
        { contactId: seeded.ava.id, name: 'Ava', label: 'Birthday', date: '2030-03-17', daysAway: 0 },
        { contactId: expect.any(String), name: 'Eli', label: 'Started coaching', date: '2030-03-20', daysAway: 3 },
        { contactId: expect.any(String), name: 'Eli', label: 'Anniversary', date: '2030-04-01', daysAway: 15 },
        { contactId: seeded.ben.id, name: 'Ben', label: 'Birthday', date: '2030-04-16', daysAway: 30 },
      ],
      // Ava's meeting at Monday 00:30 local, the only one from today (Sunday) through the next 7 days.
      upcomingSessions: [
        {
          key: expect.any(String),
          title: '',
          startsAt: '2030-03-18T04:30:00.000Z',
          allDay: false,
          kind: null,
          contacts: [{ id: seeded.ava.id, name: 'Ava' }],
        },
      ],
      generatedAt: NOW.toISOString(),
    });
    const reconnect = await a.get('/api/reconnect');
    expect(reconnect.body.items.map((i: { contact: { name: string } }) => i.contact.name).sort()).toEqual(['Eli', 'Gus']);

    const warm = await a.get('/api/dashboard/stats');
    expect(warm.headers['x-db-statements']).toBe('0');
    expect(warm.body).toEqual(cold);
  });

  it('explains a missing response rate', async () => {
    const fresh = await signUp(t.app, 'dash-empty');
    const empty = await stats(fresh, 1);
    expect(empty.responseRate).toEqual({ value: null, reason: expect.stringContaining('No emails yet') });
    expect(empty.totalContacts).toBe(0);
    expect(empty.interactionsPerWeek).toHaveLength(12);
    expect(empty.upcomingDates).toEqual([]);
    await t.database.db.insert(emails).values({
      userId: fresh.userId,
      gmailMessageId: `news-${crypto.randomUUID()}`,
      threadId: 'news',
      direction: 'inbound',
      fromAddress: 'news@example.test',
      sentAt: new Date('2030-03-01T00:00:00Z'),
    });
    await t.app.services.onChange(fresh.userId);
    expect((await stats(fresh)).responseRate).toEqual({ value: null, reason: expect.stringContaining('No client emails') });
  });
});

describe('upcoming dates', () => {
  it('puts 29 February on 28 February in common years and crosses the new year', async () => {
    const check = async (iso: string, expected: [string, string, number][]) => {
      now = new Date(iso);
      const u = await signUp(t.app, 'dash-dates');
      await created(u.post('/api/contacts', { name: 'Leap', birthday: '1992-02-29' }));
      await created(u.post('/api/contacts', { name: 'January', importantDates: [{ label: 'First session', date: '2024-01-05' }] }));
      const body = await stats(u, 1);
      expect(body.upcomingDates.map((d: { name: string; date: string; daysAway: number }) => [d.name, d.date, d.daysAway])).toEqual(
        expected,
      );
    };
    await check('2031-02-20T12:00:00Z', [['Leap', '2031-02-28', 8]]);
    await check('2032-02-20T12:00:00Z', [['Leap', '2032-02-29', 9]]);
    await check('2031-03-01T12:00:00Z', []);
    await check('2030-12-20T12:00:00Z', [['January', '2031-01-05', 16]]);
    now = NOW;
  });
});

describe('dashboard cache', () => {
  let a: Client;
  let contactId: string;
  beforeAll(async () => {
    now = NOW;
    a = await signUp(t.app, 'dash-cache');
    await a.patch('/api/auth/me', { timezone: 'America/New_York' });
    contactId = (await created(a.post('/api/contacts', { name: 'Cached', lifecycleStage: 'new_client' }))).id;
  });

  /** Warms the cache, proves a second read is served from it, runs the write and returns the fresh figures. */
  async function afterWrite(write: () => Promise<unknown>) {
    const before = await stats(a);
    expect(await stats(a, 0)).toEqual(before);
    await write();
    return { before, after: await stats(a, 1) };
  }

  it('is dropped by each kind of write that changes a figure', async () => {
    let r = await afterWrite(() =>
      created(a.post('/api/interactions', { contactId, type: 'meeting', occurredAt: '2030-03-12T10:00:00Z' })),
    );
    expect(r.after.sessionsThisWeek).toBe(r.before.sessionsThisWeek + 1);
    const sessionId = (await a.get('/api/interactions?limit=1')).body.items[0].id;

    r = await afterWrite(() => a.patch(`/api/interactions/${sessionId}`, { occurredAt: '2030-03-05T10:00:00Z' }));
    expect([r.after.sessionsThisWeek, r.after.sessionsLastWeek]).toEqual([r.before.sessionsThisWeek - 1, r.before.sessionsLastWeek + 1]);

    r = await afterWrite(() => a.delete(`/api/interactions/${sessionId}`));
    expect(r.after.sessionsLastWeek).toBe(r.before.sessionsLastWeek - 1);

    r = await afterWrite(() =>
      t.app.services.interactions.upsertMany(a.userId, [
        { contactId, type: 'class_attendance', occurredAt: '2030-03-13T18:00:00Z', source: 'import', sourceId: 'row-1' },
      ]),
    );
    expect(r.after.sessionsThisWeek).toBe(r.before.sessionsThisWeek + 1);

    const goal = await created(a.post('/api/goals', { contactId, title: 'Sleep better' }));
    r = await afterWrite(() => a.patch(`/api/goals/${goal.id}`, { status: 'completed' }));
    expect(r.after.goalsAchievedThisMonth).toBe(r.before.goalsAchievedThisMonth + 1);
    r = await afterWrite(() => a.delete(`/api/goals/${goal.id}`));
    expect(r.after.goalsAchievedThisMonth).toBe(r.before.goalsAchievedThisMonth - 1);

    r = await afterWrite(() => a.patch(`/api/contacts/${contactId}`, { lifecycleStage: 'core_client', birthday: '1990-03-20' }));
    expect([r.after.clientsByStage.new_client, r.after.clientsByStage.core_client]).toEqual([0, 1]);
    expect(r.after.upcomingDates.map((d: { name: string }) => d.name)).toEqual(['Cached']);

    r = await afterWrite(() => a.post('/api/contacts/bulk', { action: 'set_stage', ids: [contactId], stage: 'ambassador' }));
    expect(r.after.clientsByStage.ambassador).toBe(1);

    r = await afterWrite(() => created(a.post('/api/tasks', { title: 'Call back', dueAt: '2030-03-01T00:00:00Z' })));
    expect(r.after.overdueTasks).toBe(r.before.overdueTasks + 1);

    const other = await created(a.post('/api/contacts', { name: 'Second' }));
    r = await afterWrite(() => a.delete(`/api/contacts/${other.id}`));
    expect(r.after.totalContacts).toBe(r.before.totalContacts - 1);
  });

  it('is not stored when a write lands while the figures are being computed', async () => {
    const u = await signUp(t.app, 'dash-race');
    duringDashboardCompute = () => void t.app.services.onChange(u.userId);
    await stats(u, 1);
    expect(duringDashboardCompute).toBeUndefined();
    await stats(u, 1);
    await stats(u, 0);
  });

  it.skipIf(!hasRedis)('is shared by instances through Redis, so a write on one instance refreshes the other', async () => {
    const second = await createTestApp({}, t.database, { clock });
    try {
      const onSecond = new TestClient(second.app);
      onSecond.cookies = new Map(a.cookies);
      onSecond.remoteAddress = a.remoteAddress;
      const before = await stats(a);
      expect(await stats(onSecond, 0)).toEqual(before);
      await created(onSecond.post('/api/interactions', { contactId, type: 'meeting', occurredAt: '2030-03-14T10:00:00Z' }));
      const after = await stats(a, 1);
      expect(after.sessionsThisWeek).toBe(before.sessionsThisWeek + 1);
    } finally {
      await second.close();
    }
  });
});
