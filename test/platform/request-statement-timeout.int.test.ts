import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { App } from '../../src/server/app.js';
import { queryRows, type Database } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';

/**
 * A statement stuck inside a request (issue 15, item 2): a request's statements run under
 * LIMITS.database.requestStatementMs, so a write waiting for a row another connection holds is
 * cancelled and answers 503 with Retry-After within 2 s instead of hanging for the pool's 10 s;
 * routes marked `longStatements` (exports, imports, merges, erasures) keep the long bound.
 * PostgreSQL only: PGlite is one connection inside the process (nothing else can hold a lock)
 * and has no statement timeout.
 */
const SLEEP_SECONDS = (LIMITS.database.requestStatementMs + 500) / 1000;

/** Two test routes that sleep past the request bound: one marked long, one not. */
function sleepRoutes(database: () => Database) {
  return (app: App) => {
    for (const [url, longStatements] of [
      ['/api/test/sleep-long', true],
      ['/api/test/sleep', false],
    ] as const) {
      app.get(url, { config: { longStatements }, schema: { response: { 200: z.strictObject({ slept: z.literal(true) }) } } }, async () => {
        await queryRows(database().db, sql`select pg_sleep(${SLEEP_SECONDS})`);
        return { slept: true as const };
      });
    }
  };
}

/** Holds row locks from a connection of its own, as another instance's long transaction would. */
async function holdLock(query: string, id: string): Promise<pg.Client> {
  const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  await holder.query('begin');
  await holder.query(query, [id]);
  return holder;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe.skipIf(!process.env.DATABASE_URL)('a statement stuck inside a request (PostgreSQL; PGlite has one connection)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({}, undefined, { routes: sleepRoutes(() => t.database) });
  });
  afterAll(() => t?.close());

  it('answers a write to a row locked elsewhere with 503 and Retry-After within 2 s, and writes it once the lock is gone', async () => {
    const client = await signUp(t.app, 'locked-row');
    const created = await client.post('/api/contacts', { name: 'Locked elsewhere' });
    expect(created.status).toBe(201);
    const holder = await holdLock('select id from contacts where id = $1 for update', created.body.id);
    try {
      const { value: res, ms } = await timed(client.patch(`/api/contacts/${created.body.id}`, { name: 'Changed while locked' }));
      expect(res.status, res.text).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.body.error.message).toMatch(/took too long/);
      expect(res.headers['retry-after']).toBe(String(LIMITS.database.retryAfterSeconds));
      // The pool's bound is 10 s; the request's is 1.5 s.
      expect(ms).toBeLessThan(3_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const after = await client.patch(`/api/contacts/${created.body.id}`, { name: 'Changed after the lock' });
    expect(after.status, after.text).toBe(200);
    expect((await client.get(`/api/contacts/${created.body.id}`)).body.name).toBe('Changed after the lock');
  });

  it("answers a write waiting for the practitioner's own row (locked elsewhere) with 503, then succeeds", async () => {
    const client = await signUp(t.app, 'locked-user');
    const holder = await holdLock('select id from users where id = $1 for update', client.userId);
    try {
      // A new contact references the user's row, so its insert waits for that lock.
      const { value: res, ms } = await timed(client.post('/api/contacts', { name: 'Waits for the user row' }));
      expect(res.status, res.text).toBe(503);
      expect(res.headers['retry-after']).toBe(String(LIMITS.database.retryAfterSeconds));
      expect(ms).toBeLessThan(3_000);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const after = await client.post('/api/contacts', { name: 'Written after the lock' });
    expect(after.status, after.text).toBe(201);
    const list = await client.get('/api/contacts?limit=10');
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(['Written after the lock']);
  });

  it('keeps the long bound for routes marked longStatements, and for work outside requests', async () => {
    const client = await signUp(t.app, 'long-route');
    const short = await client.get('/api/test/sleep');
    expect(short.status, short.text).toBe(503);
    const long = await client.get('/api/test/sleep-long');
    expect(long.status, long.text).toBe(200);
    // Outside any request (a job, start-up), statements keep the pool's bound too.
    await expect(queryRows(t.database.db, sql`select pg_sleep(${SLEEP_SECONDS})`)).resolves.toHaveLength(1);
    // Connections that switched bounds are back in the pool and serve requests under theirs.
    expect((await client.get('/api/test/sleep')).status).toBe(503);
    expect((await client.get('/api/contacts?limit=1')).status).toBe(200);
  });
});
