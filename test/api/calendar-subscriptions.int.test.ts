import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { fakeDns } from '../support/outbound.js';
import { faults, type FakeServer, startFakeServer } from '../fakes/fake-server.js';
import { startFakeIcsServer } from '../fakes/fake-ics-server.js';
import { refreshSubscriptionsJob } from '../../src/server/modules/calendar/jobs/refresh-subscriptions.job.js';
import pino from 'pino';

// The fake calendar server listens on 127.0.0.1, which the SSRF-safe mode refuses: the test app
// lets the subscriptions reach that one origin directly (feedTestOrigins) and nothing else, so the
// refusals below go through the same checks as in production. `other` is a second fake that must
// never receive a request.
let now = new Date('2025-03-01T12:00:00Z');
let t: TestApp;
let ics: Awaited<ReturnType<typeof startFakeIcsServer>>;
let other: FakeServer;
/** Everything the app logged, to check that no URL, address or event text is in it. */
const logLines: string[] = [];

function calendar(events: { uid: string; start: string; title: string }[]) {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN'];
  for (const e of events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      'DTSTAMP:20250101T000000Z',
      `DTSTART;TZID=Europe/Berlin:${e.start}`,
      `SUMMARY:${e.title}`,
      'ORGANIZER:mailto:feed-client@example.test',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.join('\r\n')}\r\n`;
}

beforeAll(async () => {
  ics = await startFakeIcsServer(
    calendar([
      { uid: 'a@test', start: '20250305T100000', title: 'First session' },
      { uid: 'b@test', start: '20250312T100000', title: 'Second session' },
    ]),
  );
  other = await startFakeServer();
  other.route('GET', '/cal.ics', () => ({ body: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }));
  t = await createTestApp({}, undefined, {
    log: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
    clock: () => now,
    outbound: {
      resolve: fakeDns({ 'loopback.example': ['127.0.0.1'], 'mixed.example': ['93.184.216.34', '10.1.2.3'] }),
      sleep: async () => {},
      limits: { connectTimeoutMs: 500, callTimeoutMs: 600, responseBytes: 64 * 1024, maxAttempts: 1 },
      feedTestOrigins: [ics.url],
    },
  });
});
afterAll(async () => {
  await t.close();
  await ics.close();
  await other.close();
});

async function clientWithContact() {
  const a = await signUp(t.app, 'sub');
  const c = await createContact(a, { name: 'Feed Client', emails: ['Feed-Client@example.test'] });
  const consent = await a.request('PUT', `/api/contacts/${c.id}/consents/calendar_ingestion`, { granted: true, method: 'form' });
  expect(consent.status, consent.text).toBe(200);
  return { a, contactId: c.id };
}

const entries = async (client: TestClient, contactId: string) => {
  const res = await client.get(`/api/contacts/${contactId}/interactions?limit=200`);
  expect(res.status, res.text).toBe(200);
  return res.body.items as { subject: string; occurredAt: string; updatedAt: string }[];
};

describe('calendar subscriptions', () => {
  it('fetches at once, then sends its validators: a 304 writes nothing, a changed calendar updates', async () => {
    const { a, contactId } = await clientWithContact();
    const added = await a.post('/api/calendar/subscriptions', { url: ics.calendarUrl });
    expect(added.status, added.text).toBe(201);
    expect(added.body).toMatchObject({ origin: ics.url, status: 'ok', lastError: null });
    expect(added.body.counts).toMatchObject({ events: 2, occurrences: 2, created: 2, unmatched: 0 });
    const first = await entries(a, contactId);
    expect(first.map((e) => [e.subject, e.occurredAt]).sort()).toEqual([
      ['First session', '2025-03-05T09:00:00.000Z'],
      ['Second session', '2025-03-12T09:00:00.000Z'],
    ]);
    expect(ics.requests.at(-1)!.headers['if-none-match']).toBeUndefined();

    const seen = ics.requests.length;
    const again = await a.post(`/api/calendar/subscriptions/${added.body.id}/refresh`);
    expect(again.status, again.text).toBe(200);
    expect(ics.requests).toHaveLength(seen + 1);
    expect(ics.requests.at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(ics.requests.at(-1)!.headers['if-modified-since']).toBe(new Date('2025-01-01T00:00:00Z').toUTCString());
    expect(again.body).toMatchObject({ status: 'ok', counts: added.body.counts });
    expect(await entries(a, contactId)).toEqual(first);

    ics.publish(calendar([{ uid: 'a@test', start: '20250305T110000', title: 'First session (later)' }]));
    const changed = await a.post(`/api/calendar/subscriptions/${added.body.id}/refresh`);
    expect(changed.body.counts).toMatchObject({ events: 1, created: 0, updated: 1, unchanged: 0, removed: 1 });
    expect((await entries(a, contactId)).map((e) => [e.subject, e.occurredAt])).toEqual([
      ['First session (later)', '2025-03-05T10:00:00.000Z'],
    ]);

    const list = await a.get('/api/calendar/subscriptions');
    expect(list.body.items).toEqual([changed.body]);
    // Deleting it removes what it brought.
    expect((await a.delete(`/api/calendar/subscriptions/${added.body.id}`)).status).toBe(204);
    expect(await entries(a, contactId)).toEqual([]);
    expect((await a.get('/api/calendar/subscriptions')).body.items).toEqual([]);
    ics.publish(
      calendar([
        { uid: 'a@test', start: '20250305T100000', title: 'First session' },
        { uid: 'b@test', start: '20250312T100000', title: 'Second session' },
      ]),
    );
  });

  it('the scheduled run fetches only the subscriptions that are due', async () => {
    const { a } = await clientWithContact();
    const added = await a.post('/api/calendar/subscriptions', { url: ics.calendarUrl });
    expect(added.status, added.text).toBe(201);
    const seen = ics.requests.length;
    // Every subscription was fetched a moment ago and is due again in an hour: the run does nothing.
    expect(await t.app.services.calendarSubscriptions.refreshDue(1_000)).toBe(0);
    expect(ics.requests).toHaveLength(seen);
    const start = now;
    now = new Date(start.getTime() + 61 * 60_000);
    try {
      // Read (and cached) at this very minute: the job's outcome must still be seen below.
      const before = (await a.get('/api/calendar/subscriptions')).body.items[0];
      expect(before.lastFetchedAt).not.toBe(now.toISOString());
      // The scheduled job's own handler, as a worker runs it.
      const { handle } = await refreshSubscriptionsJob.load();
      await handle({}, { deps: { services: t.app.services }, jobId: 'test', log: pino({ level: 'silent' }) });
      expect(ics.requests.slice(seen).some((r) => r.path === '/cal.ics' && typeof r.headers['if-none-match'] === 'string')).toBe(true);
      const after = (await a.get('/api/calendar/subscriptions')).body.items[0];
      expect(after).toMatchObject({ status: 'ok', lastFetchedAt: now.toISOString() });
    } finally {
      now = start;
    }
  });

  it('refuses private and loopback addresses, also by name and after a redirect; webcal:// is https://', async () => {
    const { a } = await clientWithContact();
    const refused = [
      `http://127.0.0.1:${other.port}/cal.ics`,
      `http://loopback.example:${other.port}/cal.ics`,
      'http://mixed.example/cal.ics',
      'webcal://10.0.0.1/cal.ics',
      'http://169.254.169.254/latest/meta-data/',
    ];
    for (const url of refused) {
      const res = await a.post('/api/calendar/subscriptions', { url });
      expect(res.status, res.text).toBe(201);
      expect(res.body.status, url).toBe('failed');
      expect(res.body.lastError).toMatch(/private, local or otherwise refused/);
    }
    const webcal = (await a.get('/api/calendar/subscriptions')).body.items.find((s: { origin: string }) => s.origin === 'https://10.0.0.1');
    expect(webcal).toBeDefined();

    ics.route('GET', '/moved.ics', () => faults.redirect(`http://127.0.0.1:${other.port}/cal.ics`));
    const redirected = await a.post('/api/calendar/subscriptions', { url: `${ics.url}/moved.ics` });
    expect(redirected.body).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/private, local/) });
    expect(other.requests).toHaveLength(0);
  });

  it('gives up at the size cap and at the timeout, with the reason on the subscription', async () => {
    const { a } = await clientWithContact();
    ics.route('GET', '/big.ics', () => faults.oversized(200 * 1024, { chunked: true }));
    const big = await a.post('/api/calendar/subscriptions', { url: `${ics.url}/big.ics` });
    expect(big.body).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/larger than/) });
    ics.route('GET', '/slow.ics', () => faults.hang());
    const slow = await a.post('/api/calendar/subscriptions', { url: `${ics.url}/slow.ics` });
    expect(slow.body).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/did not answer/) });
    ics.route('GET', '/missing.ics', () => faults.status(404));
    const missing = await a.post('/api/calendar/subscriptions', { url: `${ics.url}/missing.ics` });
    expect(missing.body).toMatchObject({ status: 'failed', lastError: 'The calendar server answered 404.' });
  });

  it('answers 4xx a person can act on; B never sees or deletes A’s subscriptions', async () => {
    const { a } = await clientWithContact();
    const b = await signUp(t.app, 'sub');
    expect((await a.post('/api/calendar/subscriptions', { url: 'not a url' })).status).toBe(400);
    expect((await a.post('/api/calendar/subscriptions', { url: 'ftp://example.test/cal.ics' })).status).toBe(400);
    expect((await a.post('/api/calendar/subscriptions', { url: 'https://user:pw@example.test/cal.ics' })).status).toBe(400);
    const added = await a.post('/api/calendar/subscriptions', { url: ics.calendarUrl });
    const dup = await a.post('/api/calendar/subscriptions', { url: ics.calendarUrl });
    expect(dup.status).toBe(409);
    expect((await b.get('/api/calendar/subscriptions')).body.items).toEqual([]);
    expect((await b.delete(`/api/calendar/subscriptions/${added.body.id}`)).status).toBe(404);
    expect((await b.post(`/api/calendar/subscriptions/${added.body.id}/refresh`)).status).toBe(404);
    expect((await a.get('/api/calendar/subscriptions')).body.items).toHaveLength(1);
  });

  it('limits the fetches a user asks for: 429 with Retry-After', async () => {
    const a = await signUp(t.app, 'sub');
    const added = await a.post('/api/calendar/subscriptions', { url: 'http://10.0.0.1/limited.ics' });
    expect(added.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await a.post(`/api/calendar/subscriptions/${added.body.id}/refresh`)).status);
    // The add counted once: 59 refreshes pass, the 60th is refused.
    expect(statuses.filter((s) => s === 200)).toHaveLength(59);
    const refused = await a.post(`/api/calendar/subscriptions/${added.body.id}/refresh`);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.error.message).toMatch(/Too many calendar fetches/);
  });

  it('logs no subscription URL, calendar text or attendee address', () => {
    const logged = logLines.join('');
    expect(logged.length).toBeGreaterThan(0);
    for (const secret of [
      'cal.ics',
      'moved.ics',
      'limited.ics',
      '10.0.0.1',
      'loopback.example',
      'feed-client@example.test',
      'First session',
    ]) {
      expect(logged, secret).not.toContain(secret);
    }
  });
});
