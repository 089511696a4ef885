import crypto from 'node:crypto';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { createJobRunner, queueName } from '../../src/server/platform/jobs.js';
import type { JobDeps } from '../../src/server/app-jobs.js';
import { createServices } from '../../src/server/services.js';
import { createMemoryStore } from '../../src/server/platform/kv.js';
import { classifyEventsJob } from '../../src/server/modules/ai/jobs/classify-events.job.js';
import { sentimentJob } from '../../src/server/modules/ai/jobs/sentiment.job.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';

/** The background AI jobs: queued by writes and syncs (nothing waits for them), then run by a worker. */

let t: TestApp;
let google: FakeGoogle;
let services: ReturnType<typeof createServices>;
const jobs = () =>
  createJobRunner<JobDeps>({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
let runner: ReturnType<typeof jobs>;

beforeAll(async () => {
  google = await startFakeGoogle({ pageSize: 5 });
  t = await createTestApp({ ...google.env(), AI_API_KEY: '' });
  runner = jobs();
  runner.register(classifyEventsJob);
  runner.register(sentimentJob);
  // Services that queue through this runner (the test app's own services have none).
  services = createServices({
    config: t.config,
    secrets: { sessionSecret: 'test-session-secret-that-is-long-enough', encryptionKey: 'ab'.repeat(32) },
    database: t.database,
    kv: createMemoryStore(),
    clock: () => new Date(),
    jobs: runner,
  });
  // Queues only (not a worker): the test runs the handlers itself, so nothing depends on timing.
  await runner.start({ isWorker: false, deps: { services } });
});
afterAll(async () => {
  await runner?.stop();
  await services?.outbound.close();
  await t?.close();
  await google?.close();
});

const queued = async (job: typeof classifyEventsJob | typeof sentimentJob, userId: string) =>
  (
    await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from pgboss.job where name = ${queueName(job)} and data->>'userId' = ${userId} and state = 'created'`,
    )
  )[0]!.n;

const ctx = { deps: {} as JobDeps, jobId: 'test', log: pino({ level: 'silent' }) };
const runJob = async (job: typeof classifyEventsJob | typeof sentimentJob, userId: string) => {
  const { handle } = await job.load();
  await handle({ userId }, { ...ctx, deps: { services } });
};

describe('background sentiment', () => {
  it('is queued once per burst of new interactions, and scores them and the contact with a trend', async () => {
    const a = (await signUp(t.app, 'bg-sentiment')) as TestClient & { userId: string };
    const contact = await createContact(a, { name: 'Trend Client', emails: ['trend@client.test'] });
    expect((await a.request('PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' })).status).toBe(
      200,
    );
    const actor = { userId: a.userId, sessionIdHash: '' };
    const notes = ['sad tired', 'worse stressed', 'upset anxious', 'bad day', 'great progress', 'happy calm', 'grateful better'];
    for (const [i, content] of notes.entries()) {
      await services.interactions.create(actor, {
        contactId: contact.id,
        type: 'meeting',
        subject: 'Session',
        content,
        occurredAt: new Date(Date.UTC(2030, 0, 1 + i)).toISOString(),
        sentiment: null,
        private: false,
        source: 'manual',
        sourceId: null,
      });
    }
    // Seven writes, one waiting job.
    for (let i = 0; i < 100 && (await queued(sentimentJob, a.userId)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await queued(sentimentJob, a.userId)).toBe(1);

    await runJob(sentimentJob, a.userId);
    const after = (await a.get(`/api/contacts/${contact.id}`)).body;
    // Offline (no key): the lexicon scored them; the latest three are positive, the four before negative.
    expect(after.sentiment).toBeGreaterThanOrEqual(3);
    expect(after.sentimentTrend).toBe('improving');
    const items = (await a.get(`/api/contacts/${contact.id}/interactions`)).body.items as Array<{ sentiment: number | null }>;
    expect(items.every((i) => i.sentiment !== null)).toBe(true);
  });
});

describe('classification after a Google calendar sync', () => {
  it('a sync that stored events queues the classification; the job classifies them; an unchanged sync queues nothing', async () => {
    const a = (await signUp(t.app, 'bg-classify')) as TestClient & { userId: string };
    const email = `g-${crypto.randomUUID().slice(0, 8)}@gmail.test`;
    google.addUser({ email });
    google.authorizeAs(email);
    const start = await a.get('/api/google/connect?calendar=true');
    const back = new URL(await google.approve(String(start.headers.location)));
    expect((await a.get(back.pathname + back.search)).status).toBe(302);
    const contact = await createContact(a, { name: 'Synced Client', emails: ['synced@client.test'] });
    expect(
      (await a.request('PUT', `/api/contacts/${contact.id}/consents/calendar_ingestion`, { granted: true, method: 'form' })).status,
    ).toBe(200);
    const at = (day: number) => ({ dateTime: new Date(Date.UTC(2030, 0, day, 10)).toISOString() });
    google.putEvent(email, 'primary', {
      id: 'e1',
      summary: 'Session',
      description: 'We worked on sleep.',
      location: 'Room 4',
      start: at(5),
      attendees: [{ email: 'synced@client.test' }],
    });
    google.putEvent(email, 'primary', { id: 'e2', summary: 'Lunch', start: at(6), attendees: [{ email: 'synced@client.test' }] });

    const stats = await services.calendarSync.run(a.userId);
    expect(stats?.inserted).toBe(2);
    for (let i = 0; i < 100 && (await queued(classifyEventsJob, a.userId)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await queued(classifyEventsJob, a.userId)).toBe(1);

    await runJob(classifyEventsJob, a.userId);
    const items = (await a.get('/api/ai/classifications')).body.items as Array<{
      method: string;
      result: { isClientSession: boolean; topics: string[] };
    }>;
    expect(items.map((i) => [i.method, i.result.isClientSession]).sort()).toEqual([
      ['offline', true],
      ['rules', false],
    ]);
    // The event's notes reached the classification (offline: topics from its word list).
    expect(items.find((i) => i.method === 'offline')!.result.topics).toEqual(['sleep']);

    // Nothing changed at Google: the sync writes nothing (the classification's key is not compared) and queues nothing more.
    await queryRows(
      t.database.db,
      sql`delete from pgboss.job where name = ${queueName(classifyEventsJob)} and data->>'userId' = ${a.userId}`,
    );
    // A full resync (410) lists every event again: still nothing to write.
    google.invalidateSyncTokens(email);
    const second = await services.calendarSync.run(a.userId);
    expect(second).toMatchObject({ inserted: 0, updated: 0 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await queued(classifyEventsJob, a.userId)).toBe(0);
  });
});
