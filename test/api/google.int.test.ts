import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { faults } from '../fakes/fake-server.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';
import pino from 'pino';
import { createJobRunner, queueName } from '../../src/server/platform/jobs.js';
import type { JobDeps } from '../../src/server/app-jobs.js';
import { calendarSyncJob, calendarSyncScheduleJob } from '../../src/server/modules/google/jobs/calendar-sync.job.js';
import { createServices } from '../../src/server/services.js';
import { createMemoryStore } from '../../src/server/platform/kv.js';

/** Google connection (OAuth with PKCE and state) and Calendar sync, against the fake Google. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
let google: FakeGoogle;
beforeAll(async () => {
  google = await startFakeGoogle({ pageSize: 3 });
  t = await createTestApp(google.env());
});
afterAll(async () => {
  await t.close();
  await google.close();
});

const googleEmail = () => `g-${crypto.randomUUID().slice(0, 8)}@gmail.test`;

/** Walks the browser through Google and back; answers the callback's response. */
async function connect(client: TestClient, email: string, calendar = true) {
  google.authorizeAs(email);
  const start = await client.get(`/api/google/connect?calendar=${calendar}`);
  expect(start.status, start.text).toBe(302);
  const back = new URL(await google.approve(String(start.headers.location)));
  return client.get(back.pathname + back.search);
}

async function connectedUser(label: string, calendars = ['primary']) {
  const client = await signUp(t.app, label);
  const email = googleEmail();
  google.addUser({ email, calendars });
  const res = await connect(client, email);
  expect(res.status, res.text).toBe(302);
  return { client, email };
}

async function grantedContact(client: Client | TestClient, emails: string[], grant = true) {
  const contact = await createContact(client, { name: `Client ${crypto.randomUUID().slice(0, 6)}`, emails });
  if (grant) {
    const res = await client.request('PUT', `/api/contacts/${contact.id}/consents/calendar_ingestion`, { granted: true, method: 'form' });
    expect(res.status, res.text).toBe(200);
  }
  return contact;
}

/** Starts a sync and waits for it to end; answers the calendar's status. */
async function syncNow(client: TestClient) {
  const started = await client.post('/api/sync/calendar');
  expect(started.status, started.text).toBe(202);
  expect(typeof started.body.jobId).toBe('string');
  for (let i = 0; i < 400; i++) {
    const res = await client.get('/api/sync');
    expect(res.status).toBe(200);
    const calendar = res.body.services.find((s: { service: string }) => s.service === 'calendar');
    if (calendar.status !== 'running') return calendar;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the sync did not end');
}

const entriesOf = (userId: string) =>
  queryRows<{ contact_id: string; source_id: string; subject: string; metadata: Record<string, unknown> }>(
    t.database.db,
    sql`select contact_id, source_id, subject, metadata from interactions
        where user_id = ${userId} and source = 'calendar' and deleted_at is null order by source_id`,
  );

const at = (day: number, hour = 10) => ({ dateTime: new Date(Date.UTC(2030, 0, day, hour)).toISOString() });

describe('connecting Google', () => {
  it('connects with PKCE and a single-use state, stores the tokens encrypted and never answers them', async () => {
    const client = await signUp(t.app, 'connect');
    const email = googleEmail();
    google.addUser({ email });
    google.authorizeAs(email);
    const start = await client.get('/api/google/connect?calendar=true');
    expect(start.status).toBe(302);
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin + authorize.pathname).toBe(google.authUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('access_type')).toBe('offline');
    expect(authorize.searchParams.get('scope')).toContain('calendar.readonly');
    const back = new URL(await google.approve(authorize.toString()));
    const callback = await client.get(back.pathname + back.search);
    expect(callback.status, callback.text).toBe(302);
    expect(callback.headers.location).toBe('/settings?google=connected');

    // The token request carried the PKCE verifier matching the challenge.
    const tokenCall = google.requests.filter((r) => r.path === '/token').at(-1)!;
    const verifier = new URLSearchParams(tokenCall.text).get('code_verifier')!;
    expect(crypto.createHash('sha256').update(verifier).digest('base64url')).toBe(authorize.searchParams.get('code_challenge'));

    const status = await client.get('/api/google');
    expect(status.body).toMatchObject({ connected: true, status: 'active', email, services: { calendar: true } });
    const tokens = google.accessTokensOf(email);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(status.text).not.toContain(token);
    const [row] = await queryRows<{ access_token_enc: string; refresh_token_enc: string }>(
      t.database.db,
      sql`select access_token_enc, refresh_token_enc from oauth_connections where user_id = ${client.userId}`,
    );
    expect(row!.access_token_enc).not.toContain(tokens[0]!);
    expect(row!.refresh_token_enc).not.toMatch(/^1\/\//);

    const audit = await client.get('/api/audit');
    expect(JSON.stringify(audit.body)).toContain('google.connected');

    // The same state again is refused: it was used.
    const again = await client.get(back.pathname + back.search);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toMatch(/Start connecting Google again/);
  });

  it('refuses a wrong state, a state of another session, and asks only the base scopes without calendar', async () => {
    const a = await signUp(t.app, 'state-a');
    const b = await signUp(t.app, 'state-b');
    const email = googleEmail();
    google.addUser({ email });
    google.authorizeAs(email);
    const start = await a.get('/api/google/connect?calendar=false');
    const authorize = new URL(String(start.headers.location));
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    const back = new URL(await google.approve(authorize.toString()));

    const wrong = await a.get(`/api/google/callback?code=${back.searchParams.get('code')}&state=not-the-state`);
    expect(wrong.status).toBe(400);
    const missing = await a.get(`/api/google/callback?code=${back.searchParams.get('code')}`);
    expect(missing.status).toBe(400);
    // Another browser cannot finish A's flow, not even one signed in as A: the state is bound to A's session ...
    const aElsewhere = new TestClient(t.app);
    expect((await aElsewhere.post('/api/auth/login', { email: a.email, password: TEST_PASSWORD })).status).toBe(200);
    expect((await aElsewhere.get(back.pathname + back.search)).status).toBe(400);
    const stolen = await b.get(back.pathname + back.search);
    expect(stolen.status).toBe(400);
    // ... and that attempt used the state up.
    expect((await a.get(back.pathname + back.search)).status).toBe(400);
    expect((await a.get('/api/google')).body.connected).toBe(false);
    expect((await b.get('/api/google')).body.connected).toBe(false);
  });

  it('Calendar stays off when the user unticks its scope at Google', async () => {
    const client = await signUp(t.app, 'granular');
    const email = googleEmail();
    google.addUser({ email });
    google.authorizeAs(email, { deny: ['https://www.googleapis.com/auth/calendar.readonly'] });
    const start = await client.get('/api/google/connect?calendar=true');
    const back = new URL(await google.approve(String(start.headers.location)));
    google.authorizeAs(email);
    expect((await client.get(back.pathname + back.search)).status).toBe(302);
    expect((await client.get('/api/google')).body).toMatchObject({ connected: true, services: { calendar: false } });
    expect((await client.post('/api/sync/calendar')).status).toBe(409);
  });

  it('the fake refuses a code exchange without the PKCE verifier', async () => {
    const client = await signUp(t.app, 'pkce');
    const email = googleEmail();
    google.addUser({ email });
    google.authorizeAs(email);
    const start = await client.get('/api/google/connect?calendar=false');
    const back = new URL(await google.approve(String(start.headers.location)));
    const res = await fetch(google.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        client_id: google.clientId,
        client_secret: google.clientSecret,
        redirect_uri: 'http://localhost:80/api/google/callback',
      }),
    });
    expect(res.status).toBe(400);
    // The code is spent: the app's own callback with it now fails too, and nothing is stored.
    expect((await client.get(back.pathname + back.search)).status).toBe(400);
    expect((await client.get('/api/google')).body.connected).toBe(false);
  });

  it('never sends a code exchange twice: a 503 from Google is a 503 asking to try again', async () => {
    const client = await signUp(t.app, 'exchange-503');
    const email = googleEmail();
    google.addUser({ email });
    google.authorizeAs(email);
    const start = await client.get('/api/google/connect?calendar=true');
    const back = new URL(await google.approve(String(start.headers.location)));
    const from = google.requests.length;
    google.fake.failNext(1, faults.status(503));
    const res = await client.get(back.pathname + back.search);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/Try connecting again/);
    expect(google.requests.slice(from).filter((r) => r.path === '/token')).toHaveLength(1);
    expect((await client.get('/api/google')).body.connected).toBe(false);
  });

  it('a denied consent at Google comes back without connecting', async () => {
    const client = await signUp(t.app, 'denied');
    google.authorizeAs(googleEmail());
    const start = await client.get('/api/google/connect');
    const state = new URL(String(start.headers.location)).searchParams.get('state');
    const res = await client.get(`/api/google/callback?error=access_denied&state=${state}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/settings?google=denied');
    expect((await client.get('/api/google')).body.connected).toBe(false);
  });

  it('disconnect revokes the grant at Google and deletes the tokens', async () => {
    const { client, email } = await connectedUser('disconnect');
    expect(google.isRevoked(email)).toBe(false);
    const res = await client.delete('/api/google');
    expect(res.status).toBe(204);
    expect(google.isRevoked(email)).toBe(true);
    expect((await client.get('/api/google')).body).toMatchObject({ connected: false, status: null });
    const rows = await queryRows(t.database.db, sql`select 1 from oauth_connections where user_id = ${client.userId}`);
    expect(rows).toHaveLength(0);
    expect(JSON.stringify((await client.get('/api/audit')).body)).toContain('google.disconnected');
  });
});

describe('account deletion', () => {
  it('revokes the Google grant at Google and deletes the tokens with the account', async () => {
    const { client, email } = await connectedUser('delete-account');
    const res = await client.request('DELETE', '/api/account', { password: TEST_PASSWORD });
    expect(res.status, res.text).toBe(204);
    expect(google.isRevoked(email)).toBe(true);
    expect(await queryRows(t.database.db, sql`select 1 from oauth_connections where user_id = ${client.userId}`)).toHaveLength(0);
  });

  it('a refused deletion (wrong password) revokes nothing', async () => {
    const { client, email } = await connectedUser('delete-refused');
    const res = await client.request('DELETE', '/api/account', { password: 'not the password' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(google.isRevoked(email)).toBe(false);
    expect((await client.get('/api/google')).body.connected).toBe(true);
  });
});

describe('calendar sync', () => {
  it('lists calendars and lets the user choose; an unknown calendar is a 400', async () => {
    const { client } = await connectedUser('calendars', ['primary', 'work']);
    const list = await client.get('/api/google/calendars');
    expect(list.status, list.text).toBe(200);
    expect(list.body.items).toEqual([
      { id: 'primary', summary: 'primary', primary: true, selected: true },
      { id: 'work', summary: 'work', primary: false, selected: false },
    ]);
    const chosen = await client.request('PUT', '/api/google/calendars', { calendarIds: ['work'] });
    expect(chosen.status).toBe(200);
    expect(chosen.body.items.map((c: { selected: boolean }) => c.selected)).toEqual([false, true]);
    const bad = await client.request('PUT', '/api/google/calendars', { calendarIds: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not in your Google account/);
  });

  it('without a connection, sync and calendars answer 409', async () => {
    const client = await signUp(t.app, 'unconnected');
    expect((await client.post('/api/sync/calendar')).status).toBe(409);
    expect((await client.get('/api/google/calendars')).status).toBe(409);
    const status = await client.get('/api/sync');
    expect(status.body.services[0]).toMatchObject({ service: 'calendar', enabled: false, status: 'idle', lastSuccessAt: null });
  });

  it('writes one meeting per event × consenting contact, pages, incremental, cancellations, 410 and nothing on a second run', async () => {
    const { client, email } = await connectedUser('sync', ['primary', 'work']);
    await client.request('PUT', '/api/google/calendars', { calendarIds: ['primary', 'work'] });
    const ann = await grantedContact(client, ['Ann@Client.test', 'ann.home@client.test']);
    const bob = await grantedContact(client, ['bob@client.test']);
    const noConsent = await grantedContact(client, ['carl@client.test'], false);
    for (let day = 1; day <= 5; day++) {
      google.putEvent(email, 'primary', {
        id: `ev${day}`,
        summary: `Session ${day}`,
        start: at(day),
        end: at(day, 11),
        attendees: [{ email: 'ann@CLIENT.test' }, { email: 'carl@client.test' }],
        location: day === 2 ? 'https://zoom.us/j/123' : 'Room 4',
      });
    }
    google.putEvent(email, 'primary', {
      id: 'series_20300110',
      recurringEventId: 'series',
      summary: 'Weekly',
      start: at(10),
      organizer: { email: 'bob@client.test' },
      conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'https://meet.google.com/x' }] },
    });
    google.putEvent(email, 'work', {
      id: 'allday',
      summary: 'Retreat',
      start: { date: '2030-02-01' },
      end: { date: '2030-02-02' },
      attendees: [{ email: 'ann.home@client.test' }, { email: 'bob@client.test' }],
    });

    const first = await syncNow(client);
    expect(first).toMatchObject({ status: 'idle', lastError: null, failures: 0 });
    expect(first.lastSuccessAt).not.toBeNull();
    let entries = await entriesOf(client.userId);
    expect(entries.map((e) => e.source_id)).toEqual(
      [
        ...[1, 2, 3, 4, 5].map((d) => `primary:ev${d}:${ann.id}`),
        `primary:series_20300110:${bob.id}`,
        `work:allday:${ann.id}`,
        `work:allday:${bob.id}`,
      ].sort(),
    );
    expect(entries.some((e) => e.contact_id === noConsent.id)).toBe(false);
    const kind = (id: string) => entries.find((e) => e.source_id === id)!.metadata.kind;
    expect(kind(`primary:ev2:${ann.id}`)).toBe('video');
    expect(kind(`primary:ev1:${ann.id}`)).toBe('in_person');
    expect(kind(`primary:series_20300110:${bob.id}`)).toBe('video');
    expect(entries.find((e) => e.source_id === `work:allday:${ann.id}`)!.metadata.allDay).toBe(true);
    // 6 events over pages of 3 on primary: the fake was asked for more than one page.
    expect(google.requests.filter((r) => r.path === '/calendar/v3/calendars/primary/events' && r.query.pageToken).length).toBeGreaterThan(
      0,
    );

    // Nothing changed: nothing written.
    const second = await syncNow(client);
    expect(second.stats).toMatchObject({ inserted: 0, updated: 0, removed: 0, events: 0 });
    expect(google.requests.at(-1)!.query.syncToken).toBeDefined();

    // A moved event updates its entry; a cancelled one loses its entries.
    google.putEvent(email, 'primary', {
      id: 'ev1',
      summary: 'Session 1 (moved)',
      start: at(20),
      attendees: [{ email: 'ann@client.test' }],
    });
    google.cancelEvent(email, 'primary', 'ev3');
    const third = await syncNow(client);
    expect(third.stats).toMatchObject({ inserted: 0, updated: 1, removed: 1 });
    entries = await entriesOf(client.userId);
    expect(entries.find((e) => e.source_id === `primary:ev1:${ann.id}`)!.subject).toBe('Session 1 (moved)');
    expect(entries.some((e) => e.source_id.startsWith('primary:ev3:'))).toBe(false);
    const before = entries.map((e) => e.source_id);

    // 410: a full resync with the same entries, no duplicates and no orphans.
    google.invalidateSyncTokens(email);
    const from = google.requests.length;
    const fourth = await syncNow(client);
    const primaryCalls = google.requests.slice(from).filter((r) => r.path === '/calendar/v3/calendars/primary/events');
    expect(primaryCalls[0]!.query.syncToken).toBeDefined();
    expect(primaryCalls[1]!.query).not.toHaveProperty('syncToken');
    expect(primaryCalls[1]!.query).not.toHaveProperty('pageToken');
    expect(fourth).toMatchObject({ status: 'idle', lastError: null });
    expect((await entriesOf(client.userId)).map((e) => e.source_id)).toEqual(before);
    expect(fourth.stats).toMatchObject({ inserted: 0, updated: 0, removed: 0 });
  });

  it("streams a sync job's progress over SSE to its owner only", async () => {
    const { client, email } = await connectedUser('sse');
    await grantedContact(client, ['sse@client.test']);
    for (let i = 1; i <= 4; i++)
      google.putEvent(email, 'primary', { id: `s${i}`, summary: 'S', start: at(i), attendees: [{ email: 'sse@client.test' }] });
    const started = await client.post('/api/sync/calendar');
    expect(started.status).toBe(202);
    const stream = await client.get(`/api/sync/jobs/${started.body.jobId}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    const done = /event: done\ndata: (.+)\n/.exec(stream.text);
    expect(done, stream.text).not.toBeNull();
    expect(JSON.parse(done![1]!)).toMatchObject({ service: 'calendar', status: 'idle', stats: { events: 4, inserted: 4, pages: 2 } });
    expect(stream.text).toContain('event: progress');

    const other = await signUp(t.app, 'sse-other');
    expect((await other.get(`/api/sync/jobs/${started.body.jobId}/events`)).status).toBe(404);
    expect((await client.get(`/api/sync/jobs/${crypto.randomUUID()}/events`)).status).toBe(404);
  });

  it("user A's sync never sends B's token, and B's events never land on A's contacts", async () => {
    const a = await connectedUser('iso-a');
    const b = await connectedUser('iso-b');
    const annOfA = await grantedContact(a.client, ['shared@client.test']);
    const annOfB = await grantedContact(b.client, ['shared@client.test']);
    google.putEvent(a.email, 'primary', { id: 'a1', summary: 'A session', start: at(3), attendees: [{ email: 'shared@client.test' }] });
    google.putEvent(b.email, 'primary', { id: 'b1', summary: 'B session', start: at(4), attendees: [{ email: 'shared@client.test' }] });
    google.putEvent(b.email, 'primary', {
      id: 'a1',
      summary: 'B has the same event id',
      start: at(5),
      attendees: [{ email: 'shared@client.test' }],
    });

    const from = google.requests.length;
    await syncNow(a.client);
    const aCalls = google.requests.slice(from).filter((r) => r.path.startsWith('/calendar/'));
    expect(aCalls.length).toBeGreaterThan(0);
    const aTokens = new Set(google.accessTokensOf(a.email));
    for (const call of aCalls) expect(aTokens.has(String(call.headers.authorization).replace('Bearer ', ''))).toBe(true);
    await syncNow(b.client);

    const aEntries = await entriesOf(a.client.userId);
    const bEntries = await entriesOf(b.client.userId);
    expect(aEntries.map((e) => [e.contact_id, e.subject])).toEqual([[annOfA.id, 'A session']]);
    expect(bEntries.map((e) => [e.contact_id, e.subject]).sort()).toEqual(
      [
        [annOfB.id, 'B has the same event id'],
        [annOfB.id, 'B session'],
      ].sort(),
    );
  });

  it('a 429 is retried and the sync succeeds; a 403 rate limit is recorded as temporary with the connection still active', async () => {
    const { client, email } = await connectedUser('faults');
    await grantedContact(client, ['fault@client.test']);
    google.putEvent(email, 'primary', { id: 'f1', summary: 'S', start: at(6), attendees: [{ email: 'fault@client.test' }] });
    google.failNext(1, '429');
    const ok = await syncNow(client);
    expect(ok).toMatchObject({ status: 'idle', lastError: null, failures: 0 });
    expect(await entriesOf(client.userId)).toHaveLength(1);

    google.failNext(1, '403-rate-limit');
    const failed = await syncNow(client);
    expect(failed).toMatchObject({ status: 'failed', failures: 1, lastError: { kind: 'temporary' } });
    expect((await client.get('/api/google')).body.status).toBe('active');
    // 5xx past the outbound client's attempts: failed again, the counter goes up, still active.
    google.failNext(3, '5xx');
    expect(await syncNow(client)).toMatchObject({ status: 'failed', failures: 2, lastError: { kind: 'temporary' } });
    expect((await client.get('/api/google')).body.status).toBe('active');
    // The next good run clears it.
    expect(await syncNow(client)).toMatchObject({ status: 'idle', failures: 0, lastError: null });
  });

  it('refreshes an access token about to expire before calling, persists it, and calls with the new one', async () => {
    const { client, email } = await connectedUser('refresh');
    const sealed = async () =>
      (
        await queryRows<{ a: string }>(
          t.database.db,
          sql`select access_token_enc as a from oauth_connections where user_id = ${client.userId}`,
        )
      )[0]!.a;
    await queryRows(
      t.database.db,
      sql`update oauth_connections set expires_at = now() + interval '1 minute' where user_id = ${client.userId}`,
    );
    const before = await sealed();
    const issued = new Set(google.accessTokensOf(email));
    const from = google.requests.length;
    expect(await syncNow(client)).toMatchObject({ status: 'idle', lastError: null });
    const calls = google.requests.slice(from);
    const refresh = calls.findIndex((r) => r.path === '/token' && r.text.includes('grant_type=refresh_token'));
    expect(refresh).toBeGreaterThanOrEqual(0);
    const fresh = google.accessTokensOf(email).filter((tok) => !issued.has(tok));
    expect(fresh).toHaveLength(1);
    const apiCalls = calls.filter((r) => r.path.startsWith('/calendar/'));
    expect(apiCalls.length).toBeGreaterThan(0);
    for (const call of apiCalls) expect(call.headers.authorization).toBe(`Bearer ${fresh[0]}`);
    expect(await sealed()).not.toBe(before);
    // The next run uses the stored token without refreshing.
    const next = google.requests.length;
    await syncNow(client);
    expect(google.requests.slice(next).some((r) => r.path === '/token')).toBe(false);
  });

  it('invalid_grant marks the connection needs_reconnect and stops every call to Google', async () => {
    const { client, email } = await connectedUser('revoked');
    // The user's token is still valid; make it need a refresh by revoking at Google and expiring it.
    await queryRows(
      t.database.db,
      sql`update oauth_connections set expires_at = now() - interval '1 hour' where user_id = ${client.userId}`,
    );
    google.revokeGrants(email);
    const failed = await syncNow(client);
    expect(failed).toMatchObject({ status: 'needs_reconnect', lastError: { kind: 'auth_revoked' } });
    expect((await client.get('/api/google')).body.status).toBe('needs_reconnect');

    const from = google.requests.length;
    expect((await client.post('/api/sync/calendar')).status).toBe(409);
    expect((await client.get('/api/google/calendars')).status).toBe(409);
    // Even a queued run (the job) makes no call while the connection needs reconnecting.
    await t.app.services.calendarSync.run(client.userId);
    expect(google.requests.length).toBe(from);

    // Reconnecting makes it active again.
    const again = await connect(client, email);
    expect(again.status).toBe(302);
    expect((await client.get('/api/google')).body.status).toBe('active');
  });
});

describe('the google.calendar-sync job', () => {
  it("runs a user's sync on pg-boss, one queued at most per user", async () => {
    const jobs = createJobRunner<JobDeps>({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
    jobs.register(calendarSyncJob);
    try {
      // Queue first (not a worker), to see the singleton: the second send for the same user is refused while one waits.
      await jobs.start({ isWorker: false, deps: { services: t.app.services } });
      const { client, email } = await connectedUser('job');
      await grantedContact(client, ['job@client.test']);
      google.putEvent(email, 'primary', { id: 'j1', summary: 'S', start: at(8), attendees: [{ email: 'job@client.test' }] });
      expect(queueName(calendarSyncJob)).toBe('google.calendar-sync.v1');
      expect(await jobs.send(calendarSyncJob, { userId: client.userId })).toEqual(expect.any(String));
      expect(await jobs.send(calendarSyncJob, { userId: client.userId })).toBeNull();
      await jobs.stop();
      await jobs.start({ isWorker: true, deps: { services: t.app.services } });
      for (let i = 0; i < 600 && (await entriesOf(client.userId)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await entriesOf(client.userId)).toHaveLength(1);
    } finally {
      await jobs.stop();
    }
  });

  it('the schedule queues every connected user at their own offset in the interval, shown as nextRunAt', async () => {
    const jobs = createJobRunner<JobDeps>({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
    jobs.register(calendarSyncJob);
    jobs.register(calendarSyncScheduleJob);
    // Services that queue through this runner (the test app's run syncs in process).
    const services = createServices({
      config: t.config,
      secrets: { sessionSecret: 'test-session-secret-that-is-long-enough', encryptionKey: 'ab'.repeat(32) },
      database: t.database,
      kv: createMemoryStore(),
      clock: () => new Date(),
      jobs,
    });
    try {
      await jobs.start({ isWorker: false, deps: { services } });
      const { client } = await connectedUser('schedule');
      const status = (await client.get('/api/sync')).body.services[0];
      const next = Date.parse(status.nextRunAt);
      expect(next).toBeGreaterThan(Date.now() - 1000);
      expect(next).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
      const disconnected = await signUp(t.app, 'schedule-none');
      expect((await disconnected.get('/api/sync')).body.services[0].nextRunAt).toBeNull();

      expect(await services.calendarSync.scheduleAll()).toBeGreaterThan(0);
      const [job] = await queryRows<{ start_after: Date }>(
        t.database.db,
        sql`select start_after from pgboss.job where name = ${queueName(calendarSyncJob)} and data->>'userId' = ${client.userId}`,
      );
      expect(job).toBeDefined();
      // Queued for its offset in this interval (never later than the interval's end).
      expect(new Date(job!.start_after).getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    } finally {
      await jobs.stop();
      await services.outbound.close();
      // The tick queued every connected user of this database (earlier runs' too): none of them is to run later.
      await queryRows(t.database.db, sql`delete from pgboss.job where name = ${queueName(calendarSyncJob)} and state = 'created'`);
    }
  });
});
