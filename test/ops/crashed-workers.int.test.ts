import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobRunner, type JobRunner } from '../../src/server/platform/jobs.js';
import { queryRows, type Database } from '../../src/server/platform/db.js';
import { openTestDatabase } from '../support/embedded-template.js';
import type { JobDeps } from '../../src/server/app-jobs.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { postForm } from '../support/imports.js';

/**
 * Issue 15, item 5: worker processes killed with SIGKILL in the middle of their jobs. Other workers
 * finish the jobs (a dead worker's job is noticed by its missing heartbeat), and each job's effect
 * (an import's rows) happens once: every finished import holds each of its rows exactly once, and
 * one that ran out of retries says so in its status. Worker processes share a database, so this runs
 * on PostgreSQL only. CRASH_KILLS sets how many workers are killed (12 in CI, 100 for a long run).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const KILLS = Number(process.env.CRASH_KILLS ?? 12);
const IMPORTS = 8;
const ROWS = 3_000;
const SECRETS = { SESSION_SECRET: 'test-session-secret-that-is-long-enough', ENCRYPTION_KEY: 'ab'.repeat(32) };
const isBuilt = fs.existsSync(path.join(ROOT, 'dist/cli/main.js'));

let database: Database;
let runner: JobRunner<JobDeps>;
let t: TestApp;
const workers = new Set<ChildProcess>();

function startWorker(): ChildProcess {
  const args = isBuilt ? ['bin/mindfulcrm.mjs', 'worker'] : ['--import', 'tsx', 'src/cli/main.ts', 'worker'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...SECRETS,
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      JOB_HEARTBEAT_SECONDS: '10',
      JOB_SUPERVISE_SECONDS: '1',
      MAX_RSS_MB: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  return child;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!process.env.DATABASE_URL)('crashed workers (PostgreSQL)', () => {
  beforeAll(async () => {
    database = await openTestDatabase({
      databaseUrl: process.env.DATABASE_URL,
      poolSize: 4,
      statementTimeoutMs: 10_000,
      log: pino({ level: 'silent' }),
    });
    await database.migrate();
    runner = createJobRunner<JobDeps>({ database, databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
    t = await createTestApp({}, database, { jobs: runner });
    // This process only queues; the workers below run the jobs.
    await t.app.startJobs(false);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await runner?.stop();
    await t?.close();
    await database?.close();
  });

  it(`finishes every import once although ${KILLS} workers are killed mid-way`, { timeout: 600_000 }, async () => {
    const user = await signUp(t.app, 'crash');
    const ids: string[] = [];
    for (let n = 0; n < IMPORTS; n++) {
      const rows = Array.from({ length: ROWS }, (_, i) => `Person ${n}-${i},p${n}-${i}@crash.test`);
      // "create": nothing matches an earlier row, so a row written twice would be a second contact.
      const res = await postForm(user, '/api/imports', Buffer.from(`Name,Email\n${rows.join('\n')}\n`), { duplicates: 'create' });
      expect(res.status, res.text).toBe(202);
      ids.push(res.body.id);
    }
    for (let i = 0; i < 3; i++) startWorker();

    const status = async () =>
      queryRows<{ id: string; status: string; processed: number }>(
        database.db,
        sql`select id, status::text, processed from imports where id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    // Kill a worker while an import is half-way (every worker runs one job at a time, so with
    // imports waiting every worker is busy), start another in its place; up to KILLS times.
    let kills = 0;
    const midway = async () => (await status()).some((r) => r.status === 'running' && r.processed > 0);
    for (;;) {
      const rows = await status();
      if (kills >= KILLS || !rows.some((r) => r.status === 'queued' || r.status === 'running')) break;
      if (!(await midway())) {
        await pause(50);
        continue;
      }
      const victim = [...workers][Math.floor(Math.random() * workers.size)];
      if (!victim) continue;
      victim.kill('SIGKILL');
      kills++;
      startWorker();
      await pause(300 + Math.floor(Math.random() * 700));
    }
    // The kills did land in the middle of imports.
    expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 3));

    const deadline = Date.now() + 420_000; // a stuck job, not a timing assertion
    let rows = await status();
    while (rows.some((r) => r.status === 'queued' || r.status === 'running')) {
      if (Date.now() > deadline) throw new Error(`imports still unfinished: ${JSON.stringify(rows)}`);
      await pause(500);
      rows = await status();
    }

    // Each row of each import is one contact at most, and exactly one for a finished import.
    const counts = await queryRows<{ prefix: string; n: number; distinct: number }>(
      database.db,
      sql`select split_part(e, '-', 1) as prefix, count(*)::int as n, count(distinct e)::int as distinct
          from contacts c, unnest(c.emails) e where c.user_id = ${user.userId} group by 1`,
    );
    for (const c of counts) expect(c.n, `${c.prefix}: rows written twice`).toBe(c.distinct);
    for (const [n, id] of ids.entries()) {
      const row = rows.find((r) => r.id === id)!;
      const written = counts.find((c) => c.prefix === `p${n}`)?.n ?? 0;
      if (row.status === 'finished') expect(written).toBe(ROWS);
      else {
        // Out of retries: visible, with a message, and what it wrote is there once.
        const job = await user.get(`/api/imports/${id}`);
        expect(job.body.status).toBe('failed');
        expect(job.body.report.failures[0].reason).toMatch(/interrupted/);
        expect(written).toBeLessThanOrEqual(ROWS);
      }
    }
    expect(rows.filter((r) => r.status === 'finished').length).toBeGreaterThan(0);
    // pg-boss ran the interrupted jobs again.
    const [retried] = await queryRows<{ n: number }>(
      database.db,
      sql`select coalesce(sum(retry_count), 0)::int as n from pgboss.job where name = 'imports.run.v1' and data->>'importId' in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    expect(retried!.n).toBeGreaterThan(0);
  });
});
