import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createJobRunner, type JobRunner } from '../../src/server/platform/jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { sessionCleanupJob } from '../../src/server/modules/auth/jobs/session-cleanup.job.js';
import { sessions } from '../../src/server/db/schema/index.js';

let t: TestApp;
let jobs: JobRunner;
const ran: string[] = [];
let failuresLeft = 1;

beforeAll(async () => {
  t = await createTestApp();
  jobs = createJobRunner({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
  jobs.register<{ value: string }>({
    name: `test.echo-${process.pid}`,
    retryLimit: 3,
    async handler({ value }) {
      // Fails once, so the retry path runs too.
      if (value === 'flaky' && failuresLeft-- > 0) throw new Error('temporary');
      ran.push(value);
    },
  });
  jobs.register(sessionCleanupJob(t.app.services.sessions));
  await jobs.start({ isWorker: true });
});
afterAll(async () => {
  await jobs.stop();
  await t.close();
});

async function waitFor(check: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out waiting for the job');
}

it('runs queued jobs and retries a failing one', async () => {
  await jobs.send(`test.echo-${process.pid}`, { value: 'hello' });
  await jobs.send(`test.echo-${process.pid}`, { value: 'flaky' });
  await waitFor(() => ran.includes('hello') && ran.includes('flaky'), 60_000);
  expect(ran.filter((v) => v === 'flaky')).toHaveLength(1);
  const depths = await jobs.queueDepths();
  expect(depths).toHaveProperty(`test.echo-${process.pid}`);
});

it('deletes expired sessions in the cleanup job', async () => {
  if (process.env.REDIS_URL) return; // Redis expires sessions by itself; the job has nothing to do.
  const a = await signUp(t.app, 'cleanup');
  const db = t.database.db;
  await db.execute(sql`update ${sessions} set expires_at = now() - interval '1 day' where user_id = ${a.userId}`);
  await jobs.send('auth.session-cleanup', {});
  await waitFor(async () => {
    const rows = await db.select().from(sessions).where(sql`user_id = ${a.userId}`);
    return rows.length === 0;
  });
  expect((await a.get('/api/auth/me')).status).toBe(401);
});
