import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { createJobRunner, defineJob, JobPayloadError, queueName, type JobRunner } from '../../src/server/platform/jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { sessionCleanupJob } from '../../src/server/modules/auth/jobs/session-cleanup.job.js';
import { sessions } from '../../src/server/db/schema/index.js';
import type { JobDeps } from '../../src/server/app-jobs.js';

let t: TestApp;
let jobs: JobRunner<JobDeps>;
const ran: string[] = [];
let failuresLeft = 1;
let loads = 0;

// A job defined the way product jobs are, with its handler "loaded" on first use.
const echoJob = defineJob({
  name: `test.echo-${process.pid}`,
  version: 2,
  payload: z.strictObject({ value: z.string().min(1) }),
  retry: { limit: 3, delaySeconds: 1 },
  load: async () => {
    loads += 1;
    return {
      handle: async ({ value }: { value: string }) => {
        // Fails once, so the retry path runs too.
        if (value === 'flaky' && failuresLeft-- > 0) throw new Error('temporary');
        ran.push(value);
      },
    };
  },
});

// A job that always fails: past its one retry, its `loadFailed` handler runs once, with its payload.
const gaveUp: string[] = [];
const doomedJob = defineJob({
  name: `test.doomed-${process.pid}`,
  version: 1,
  payload: z.strictObject({ value: z.string() }),
  retry: { limit: 1, delaySeconds: 1 },
  load: async () => ({
    handle: async () => {
      throw new Error('always');
    },
  }),
  loadFailed: async () => ({
    handle: async ({ value }: { value: string }) => {
      gaveUp.push(value);
    },
  }),
});

beforeAll(async () => {
  t = await createTestApp();
  jobs = createJobRunner<JobDeps>({ database: t.database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
  jobs.register(echoJob);
  jobs.register(sessionCleanupJob);
  jobs.register(doomedJob);
  await jobs.start({ isWorker: true, deps: { services: t.app.services } });
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

it('runs queued jobs on a versioned queue, loads the handler lazily and retries a failing one', async () => {
  expect(loads).toBe(0);
  await jobs.send(echoJob, { value: 'hello' });
  await jobs.send(echoJob, { value: 'flaky' });
  await waitFor(() => ran.includes('hello') && ran.includes('flaky'), 60_000);
  expect(ran.filter((v) => v === 'flaky')).toHaveLength(1);
  expect(loads).toBeGreaterThan(0);
  const depths = await jobs.queueDepths();
  expect(Object.keys(depths)).toContain(`test.echo-${process.pid}.v2`);
  expect(queueName(sessionCleanupJob)).toBe('auth.session-cleanup.v1');
});

it('hands a job that failed for good to its failed handler, once', async () => {
  await jobs.send(doomedJob, { value: 'lost' });
  await waitFor(() => gaveUp.includes('lost'), 60_000);
  await new Promise((r) => setTimeout(r, 1_500));
  expect(gaveUp).toEqual(['lost']);
});

it('refuses a payload that does not match the job schema before queueing it', async () => {
  await expect(jobs.send(echoJob, { value: '' })).rejects.toBeInstanceOf(JobPayloadError);
  await expect(jobs.send(echoJob, { value: 'x', extra: 1 } as never)).rejects.toThrow(/invalid payload/);
});

it('deletes expired sessions in the cleanup job', async () => {
  if (process.env.REDIS_URL) return; // Redis expires sessions by itself; the job has nothing to do.
  const a = await signUp(t.app, 'cleanup');
  const db = t.database.db;
  await db.execute(sql`update ${sessions} set expires_at = now() - interval '1 day' where user_id = ${a.userId}`);
  await jobs.send(sessionCleanupJob, {});
  await waitFor(async () => {
    const rows = await db.select().from(sessions).where(sql`user_id = ${a.userId}`);
    return rows.length === 0;
  });
  expect((await a.get('/api/auth/me')).status).toBe(401);
});
