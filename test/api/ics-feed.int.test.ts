import { Writable } from 'node:stream';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createLogger } from '../../src/server/runtime.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

/**
 * The secret calendar feed: GET /ics/<token>.ics (no cookie) answers the user's birthdays,
 * important dates, open tasks' due dates and keep-in-touch dates as iCalendar, parsed here with
 * ical.js the way a calendar app would read it.
 */

const NOW = new Date('2026-06-10T12:00:00Z');
const DAY = 86_400_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => NOW });
});
afterAll(() => t.close());

type User = TestClient & { userId: string };

/** Fetches a feed path as a calendar app would: no cookies, no CSRF header. */
const fetchFeed = (path: string) => t.app.inject({ method: 'GET', url: path, remoteAddress: `10.9.${Math.floor(Math.random() * 250)}.1` });

function pathOf(url: string): string {
  return new URL(url).pathname;
}

function events(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((c) => {
    const ev = new ICAL.Event(c);
    return { comp: c, ev, uid: ev.uid, summary: ev.summary, start: ev.startDate };
  });
}

async function makePractice(user: User, prefix: string) {
  expect((await user.patch('/api/auth/me', { timezone: 'Pacific/Auckland' })).status).toBe(200);
  const anna = await user.post('/api/contacts', {
    name: `${prefix} Anna Lind`,
    birthday: '1990-07-04',
    importantDates: [{ label: 'Anniversary', date: '2015-09-12' }],
    // Due 30 days after the last contact: 2026-06-20T12:00Z, already 21 June in Auckland.
    lastContactAt: new Date(NOW.getTime() - 20 * DAY).toISOString(),
    keepInTouchDays: 30,
  });
  expect(anna.status).toBe(201);
  const leap = await user.post('/api/contacts', { name: `${prefix} Leap Person`, birthday: '2000-02-29' });
  expect(leap.status).toBe(201);
  const task = await user.post('/api/tasks', { title: `${prefix} Send the invoice`, dueAt: '2026-06-15T09:00:00.000Z' });
  expect(task.status).toBe(201);
  const done = await user.post('/api/tasks', { title: `${prefix} Finished work`, dueAt: '2026-06-16T09:00:00.000Z' });
  expect((await user.patch(`/api/tasks/${done.body.id}`, { status: 'completed' })).status).toBe(200);
  return { anna: anna.body.id as string, leap: leap.body.id as string, task: task.body.id as string };
}

describe('calendar feed', () => {
  let a: User;
  let b: User;
  let ids: Awaited<ReturnType<typeof makePractice>>;
  let url: string;

  beforeAll(async () => {
    a = await signUp(t.app, 'ics-a');
    b = await signUp(t.app, 'ics-b');
    ids = await makePractice(a, 'Alpha');
    await makePractice(b, 'Bravo');
  });

  it('is off until made; POST answers the URL once, GET only says since when', async () => {
    expect((await a.get('/api/calendar/feed')).body).toEqual({ url: null, createdAt: null });
    const made = await a.post('/api/calendar/feed');
    expect(made.status).toBe(201);
    url = made.body.url;
    expect(url).toMatch(/^http:\/\/[^/]+\/ics\/[A-Za-z0-9_-]{43}\.ics$/);
    expect((await a.get('/api/calendar/feed')).body).toEqual({ url: null, createdAt: NOW.toISOString() });
    const audit = await a.get('/api/audit?limit=50');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('calendar_feed.rotated');
  });

  it('answers the events as iCalendar without a cookie', async () => {
    const res = await fetchFeed(pathOf(url));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    // Bounded work: the token lookup, then one statement for every event.
    expect(Number(res.headers['x-db-statements'])).toBe(2);
    const list = events(res.body);
    const by = (summary: string) => list.find((e) => e.summary === summary);

    const birthday = by('Birthday: Alpha Anna Lind')!;
    expect(birthday.start.isDate).toBe(true);
    expect(birthday.start.toString()).toBe('1990-07-04');
    expect(birthday.comp.getFirstPropertyValue('rrule')!.toString()).toBe('FREQ=YEARLY');
    expect(birthday.uid).toBe(`birthday-${ids.anna}@mindfulcrm`);

    // 29 February: on 28 February in the years without one.
    const leap = by('Birthday: Alpha Leap Person')!;
    const it = leap.ev.iterator();
    const seen = [it.next(), it.next(), it.next()].map((d) => d!.toString());
    expect(seen).toEqual(['2000-02-29', '2001-02-28', '2002-02-28']);
    const more = leap.ev.iterator(ICAL.Time.fromDateString('2028-01-01'));
    expect(more.next()!.toString()).toBe('2028-02-29');

    const anniversary = by('Anniversary: Alpha Anna Lind')!;
    expect(anniversary.start.isDate).toBe(true);
    expect(anniversary.start.toString()).toBe('2015-09-12');

    const task = by('Task due: Alpha Send the invoice')!;
    expect(task.start.isDate).toBe(false);
    expect(task.start.toJSDate().toISOString()).toBe('2026-06-15T09:00:00.000Z');
    expect(task.uid).toBe(`task-${ids.task}@mindfulcrm`);
    expect(by('Task due: Alpha Finished work')).toBeUndefined();

    // Due at 2026-06-20T12:00Z: the 21st in the user's zone (Auckland, UTC+12).
    const reconnect = by('Reconnect with Alpha Anna Lind')!;
    expect(reconnect.start.isDate).toBe(true);
    expect(reconnect.start.toString()).toBe('2026-06-21');

    for (const e of list) expect(e.comp.getFirstPropertyValue('dtstamp')).toBeTruthy();
    // B's things never appear in A's feed.
    expect(res.body).not.toContain('Bravo');
  });

  it('escapes text: a name with commas, semicolons and a backslash reads back the same', async () => {
    const name = 'Alpha Okafor, Zaid; \\ the second, of a very long family name that makes the line fold over';
    expect((await a.post('/api/contacts', { name, birthday: '1975-11-02' })).status).toBe(201);
    const res = await fetchFeed(pathOf(url));
    expect(res.body.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(events(res.body).map((e) => e.summary)).toContain(`Birthday: ${name}`);
  });

  it('keeps the same UIDs from one fetch to the next', async () => {
    const first = events((await fetchFeed(pathOf(url))).body).map((e) => e.uid);
    const second = events((await fetchFeed(pathOf(url))).body).map((e) => e.uid);
    expect(first.length).toBeGreaterThanOrEqual(5);
    expect(new Set(first).size).toBe(first.length);
    expect(second.sort()).toEqual([...first].sort());
  });

  it("B's own feed shows only B's data", async () => {
    const made = await b.post('/api/calendar/feed');
    const res = await fetchFeed(pathOf(made.body.url));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Bravo Anna Lind');
    expect(res.body).not.toContain('Alpha');
  });

  it('rotating kills the old URL at once', async () => {
    const old = url;
    const rotated = await a.post('/api/calendar/feed');
    expect(rotated.status).toBe(201);
    url = rotated.body.url;
    expect(url).not.toBe(old);
    expect((await fetchFeed(pathOf(old))).statusCode).toBe(404);
    expect((await fetchFeed(pathOf(url))).statusCode).toBe(200);
  });

  it('keeps no answer under an Idempotency-Key (the token is stored nowhere): a repeat makes a new address', async () => {
    const first = await a.post('/api/calendar/feed', {}, { 'idempotency-key': 'ics-feed-once' });
    const again = await a.post('/api/calendar/feed', {}, { 'idempotency-key': 'ics-feed-once' });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(again.body.url).not.toBe(first.body.url);
    url = again.body.url;
    expect((await fetchFeed(pathOf(first.body.url))).statusCode).toBe(404);
  });

  it('an unknown or malformed token is a 404 with the standard error body', async () => {
    for (const path of ['/ics/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics', '/ics/short.ics', '/ics/nothing-here']) {
      const res = await fetchFeed(path);
      expect(res.statusCode, path).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('not_found');
    }
  });

  it('DELETE turns the feed off: its URL is a 404', async () => {
    const res = await a.delete('/api/calendar/feed');
    expect(res.status).toBe(204);
    expect((await fetchFeed(pathOf(url))).statusCode).toBe(404);
    expect((await a.get('/api/calendar/feed')).body).toEqual({ url: null, createdAt: null });
    expect((await a.delete('/api/calendar/feed')).status).toBe(204);
    const audit = await a.get('/api/audit?limit=50');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('calendar_feed.revoked');
  });

  it('the /api routes need a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/calendar/feed' });
    expect(res.statusCode).toBe(401);
  });
});

describe('calendar feed rate limit', () => {
  it('answers 429 past the per-token limit, and the limit is per token', async () => {
    const user = await signUp(t.app, 'ics-rl');
    const { url } = (await user.post('/api/calendar/feed')).body;
    let status = 0;
    for (let i = 0; i <= LIMITS.calendarFeed.perToken && status !== 429; i++) status = (await fetchFeed(pathOf(url))).statusCode;
    expect(status).toBe(429);
  });
});

describe('calendar feed logs', () => {
  it('never writes the token of the feed path to the request log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger(
      loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'info', SESSION_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'ab'.repeat(32) }),
      sink,
    );
    const logged = await createTestApp({}, t.database, { log });
    try {
      const user = await signUp(logged.app, 'ics-log');
      const { url } = (await user.post('/api/calendar/feed')).body;
      const token = pathOf(url).slice('/ics/'.length, -'.ics'.length);
      const res = await logged.app.inject({ method: 'GET', url: pathOf(url) });
      expect(res.statusCode).toBe(200);
      const text = lines.join('');
      expect(text).toContain('/ics/<token>');
      expect(text).not.toContain(token);
    } finally {
      await logged.close();
    }
  });
});
