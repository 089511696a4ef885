import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { startFakeGoogle, type FakeGoogle, type FakeMessage } from '../fakes/fake-google.js';
import pino from 'pino';
import { createJobRunner, queueName } from '../../src/server/platform/jobs.js';
import type { JobDeps } from '../../src/server/app-jobs.js';
import { gmailSyncJob } from '../../src/server/modules/google/jobs/gmail-sync.job.js';

/** Gmail sync against the fake Google: relevance and consent filter, dedupe, history, expired history. */

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

const uid = () => crypto.randomUUID().slice(0, 8);
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

async function connectedUser(label: string) {
  const client = await signUp(t.app, label);
  const email = `g-${uid()}@gmail.test`;
  google.addUser({ email });
  google.authorizeAs(email);
  const start = await client.get('/api/google/connect?gmail=true');
  expect(start.status, start.text).toBe(302);
  expect(new URL(String(start.headers.location)).searchParams.get('scope')).toContain('gmail.readonly');
  const back = new URL(await google.approve(String(start.headers.location)));
  const done = await client.get(back.pathname + back.search);
  expect(done.status, done.text).toBe(302);
  const status = await client.get('/api/google');
  expect(status.body.services).toEqual({ calendar: false, gmail: true, drive: false });
  return { client, email };
}

async function contact(client: TestClient, emails: string[], consent = true) {
  const created = await createContact(client, { name: `Client ${uid()}`, emails });
  const c = { id: created.id as string, emails };
  if (consent) {
    const res = await client.request('PUT', `/api/contacts/${c.id}/consents/email_ingestion`, { granted: true, method: 'form' });
    expect(res.status, res.text).toBe(200);
  }
  return c;
}

async function syncNow(client: TestClient) {
  const started = await client.post('/api/sync/gmail');
  expect(started.status, started.text).toBe(202);
  for (let i = 0; i < 400; i++) {
    const res = await client.get('/api/sync');
    expect(res.status).toBe(200);
    const gmail = res.body.services.find((s: { service: string }) => s.service === 'gmail');
    if (gmail.status !== 'running') return gmail;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the sync did not end');
}

const emailsOf = (userId: string) =>
  queryRows<{ gmail_message_id: string; thread_id: string; contact_ids: string[]; body_text: string; direction: string }>(
    t.database.db,
    sql`select gmail_message_id, thread_id, contact_ids, body_text, direction::text from emails
        where user_id = ${userId} order by gmail_message_id`,
  );
const entriesOf = (userId: string) =>
  queryRows<{ contact_id: string; source_id: string; type: string }>(
    t.database.db,
    sql`select contact_id, source_id, type::text from interactions
        where user_id = ${userId} and source = 'gmail' and deleted_at is null order by source_id`,
  );
const gets = (email: string) => {
  const tokens = new Set(google.accessTokensOf(email).map((x) => `Bearer ${x}`));
  return google.requests.filter((r) => r.path.startsWith('/gmail/v1/users/me/messages/') && tokens.has(String(r.headers.authorization)))
    .length;
};

describe('Gmail sync', () => {
  it('stores only relevant messages of consenting contacts, converts HTML, and links every matching contact', async () => {
    const { client, email } = await connectedUser('gmail-filter');
    const alice = await contact(client, [`alice-${uid()}@client.test`]);
    const bob = await contact(client, [`bob-${uid()}@client.test`], false);
    const shop = await contact(client, [`no-reply-${uid()}@shop.test`]);
    const [a, b, s] = [alice.emails[0]!, bob.emails[0]!, shop.emails[0]!];
    const m = (id: string, rest: Partial<FakeMessage>): FakeMessage => ({
      id: `${id}-${uid()}`,
      from: a,
      to: [email],
      date: daysAgo(2),
      ...rest,
    });
    const plain = m('plain', { subject: 'Session notes', text: 'See you Tuesday', threadId: 'thread-1' });
    const html = m('html', { subject: 'Hello', html: '<html><body><p>Hello <b>there</b></p><ul><li>one</li></ul></body></html>' });
    const both = m('both', { from: email, to: [a, b], subject: 'To both', text: 'hi both' });
    const excluded = [
      m('promo', { labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'], text: 'sale' }),
      m('social', { labelIds: ['CATEGORY_SOCIAL'], text: 'x' }),
      m('forum', { labelIds: ['CATEGORY_FORUMS'], text: 'x' }),
      m('unsub', { listUnsubscribe: '<mailto:u@client.test>', text: 'newsletter' }),
      m('noreply', { from: s, text: 'your order' }),
      m('stranger', { from: `someone-${uid()}@else.test`, text: 'hello' }),
      m('bobonly', { from: b, text: 'no consent' }),
      m('old', { date: daysAgo(120), text: 'long ago' }),
    ];
    for (const msg of [plain, html, both, ...excluded]) google.putMessage(email, msg);

    const status = await syncNow(client);
    expect(status).toMatchObject({ service: 'gmail', enabled: true, status: 'idle', lastError: null });
    expect(status.stats.stored).toBe(3);

    const rows = await emailsOf(client.userId);
    expect(rows.map((r) => r.gmail_message_id).sort()).toEqual([both.id, html.id, plain.id].sort());
    const byId = new Map(rows.map((r) => [r.gmail_message_id, r]));
    expect(byId.get(plain.id)).toMatchObject({
      thread_id: 'thread-1',
      contact_ids: [alice.id],
      body_text: 'See you Tuesday',
      direction: 'inbound',
    });
    expect(byId.get(both.id)).toMatchObject({ contact_ids: [alice.id], direction: 'outbound' });
    const text = byId.get(html.id)!.body_text;
    expect(text).toContain('Hello there');
    expect(text).toContain('one');
    expect(text).not.toMatch(/<[a-z]/i);

    const entries = await entriesOf(client.userId);
    expect(entries.map((e) => e.source_id).sort()).toEqual(
      [`${both.id}:${alice.id}`, `${html.id}:${alice.id}`, `${plain.id}:${alice.id}`].sort(),
    );
    expect(entries.every((e) => e.type === 'email' && e.contact_id === alice.id)).toBe(true);
    // Bob (no consent) and the no-reply contact appear in no stored email and no entry.
    const [{ linked }] = (await queryRows<{ linked: number }>(
      t.database.db,
      sql`select count(*)::int as linked from emails where user_id = ${client.userId}
          and (${bob.id}::uuid = any(contact_ids) or ${shop.id}::uuid = any(contact_ids))`,
    )) as [{ linked: number }];
    expect(linked).toBe(0);
  });

  it('writes nothing when synced twice, reads new mail through history, and resyncs an expired history id to the same counts', async () => {
    const { client, email } = await connectedUser('gmail-history');
    const alice = await contact(client, [`alice-${uid()}@client.test`]);
    for (let i = 0; i < 5; i++)
      google.putMessage(email, { id: `h${i}-${uid()}`, from: alice.emails[0]!, to: [email], date: daysAgo(i + 1), text: `m${i}` });
    const first = await syncNow(client);
    expect(first.stats).toMatchObject({ stored: 5, inserted: 5 });
    const getsAfterFirst = gets(email);

    const second = await syncNow(client);
    expect(second.stats).toMatchObject({ stored: 0, inserted: 0 });
    expect(gets(email)).toBe(getsAfterFirst);
    expect(await emailsOf(client.userId)).toHaveLength(5);

    const later = { id: `new-${uid()}`, from: alice.emails[0]!, to: [email], date: daysAgo(0), text: 'new one' };
    google.putMessage(email, later);
    const before = google.requests.length;
    const third = await syncNow(client);
    expect(third.stats).toMatchObject({ messages: 1, stored: 1, inserted: 1 });
    const paths = google.requests.slice(before).map((r) => r.path);
    expect(paths).toContain('/gmail/v1/users/me/history');
    expect(paths).not.toContain('/gmail/v1/users/me/messages');

    google.expireHistory(email);
    const rowsBefore = await emailsOf(client.userId);
    const entriesBefore = await entriesOf(client.userId);
    const resync = await syncNow(client);
    expect(resync).toMatchObject({ status: 'idle', lastError: null });
    expect(resync.stats).toMatchObject({ messages: 6, stored: 0, inserted: 0 });
    expect(await emailsOf(client.userId)).toEqual(rowsBefore);
    expect(await entriesOf(client.userId)).toEqual(entriesBefore);
    expect(rowsBefore).toHaveLength(6);
  });

  it('keeps two users apart even when they share a correspondent and a message id', async () => {
    const one = await connectedUser('gmail-one');
    const two = await connectedUser('gmail-two');
    const shared = `shared-${uid()}@client.test`;
    const c1 = await contact(one.client, [shared]);
    const c2 = await contact(two.client, [shared]);
    const id = `same-${uid()}`;
    google.putMessage(one.email, { id, from: shared, to: [one.email], date: daysAgo(1), subject: 'to one', text: 'for one' });
    google.putMessage(two.email, { id, from: shared, to: [two.email], date: daysAgo(1), subject: 'to two', text: 'for two' });
    const before = google.requests.length;
    await syncNow(one.client);
    // Every Gmail call of user one's sync carried one of one's tokens.
    const ones = new Set(google.accessTokensOf(one.email).map((x) => `Bearer ${x}`));
    const calls = google.requests.slice(before).filter((r) => r.path.startsWith('/gmail/'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => ones.has(String(r.headers.authorization)))).toBe(true);
    await syncNow(two.client);
    expect(await emailsOf(one.client.userId)).toMatchObject([{ gmail_message_id: id, contact_ids: [c1.id], body_text: 'for one' }]);
    expect(await emailsOf(two.client.userId)).toMatchObject([{ gmail_message_id: id, contact_ids: [c2.id], body_text: 'for two' }]);
    expect((await entriesOf(one.client.userId)).map((e) => e.contact_id)).toEqual([c1.id]);
    expect((await entriesOf(two.client.userId)).map((e) => e.contact_id)).toEqual([c2.id]);
  });

  it('streams the progress of a Gmail run on its job id', async () => {
    const { client, email } = await connectedUser('gmail-sse');
    const c = await contact(client, [`sse-${uid()}@client.test`]);
    for (let i = 0; i < 4; i++)
      google.putMessage(email, { id: `sse${i}-${uid()}`, from: c.emails[0]!, to: [email], date: daysAgo(1), text: 'x' });
    const started = await client.post('/api/sync/gmail');
    expect(started.status).toBe(202);
    const stream = await client.get(`/api/sync/jobs/${started.body.jobId}/events`);
    expect(stream.status).toBe(200);
    const done = /event: done\ndata: (.+)\n/.exec(stream.text);
    expect(done, stream.text).not.toBeNull();
    expect(JSON.parse(done![1]!)).toMatchObject({ service: 'gmail', status: 'idle', stats: { messages: 4, stored: 4, pages: 2 } });
    const other = await signUp(t.app, 'gmail-sse-other');
    expect((await other.get(`/api/sync/jobs/${started.body.jobId}/events`)).status).toBe(404);
  });

  it('refuses a Gmail sync when Gmail is not on', async () => {
    const client = await signUp(t.app, 'gmail-off');
    const res = await client.post('/api/sync/gmail');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Gmail/);
  });

  it("runs a user's sync as the google.gmail-sync job on pg-boss, one queued at most per user", async () => {
    const jobs = createJobRunner<JobDeps>({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
    jobs.register(gmailSyncJob);
    try {
      await jobs.start({ isWorker: false, deps: { services: t.app.services } });
      const { client, email } = await connectedUser('gmail-job');
      const c = await contact(client, [`job-${uid()}@client.test`]);
      google.putMessage(email, { id: `job-${uid()}`, from: c.emails[0]!, to: [email], date: daysAgo(1), text: 'by the job' });
      expect(queueName(gmailSyncJob)).toBe('google.gmail-sync.v1');
      expect(await jobs.send(gmailSyncJob, { userId: client.userId })).toEqual(expect.any(String));
      expect(await jobs.send(gmailSyncJob, { userId: client.userId })).toBeNull();
      await jobs.stop();
      await jobs.start({ isWorker: true, deps: { services: t.app.services } });
      for (let i = 0; i < 600 && (await emailsOf(client.userId)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await emailsOf(client.userId)).toMatchObject([{ body_text: 'by the job', contact_ids: [c.id] }]);
    } finally {
      await jobs.stop();
    }
  });
});
