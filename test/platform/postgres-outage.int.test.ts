import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSynchronousCommit, openDatabase } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.js';

/** Rejects once ms passed: a bound on how long a request may take, not a measure of its speed. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** Retries `attempt` until it returns true, at most `tries` times, `gapMs` apart. */
async function eventually(attempt: () => Promise<boolean>, tries = 50, gapMs = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await attempt()) return true;
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return false;
}

describe.skipIf(!process.env.DATABASE_URL)('PostgreSQL outage (needs DATABASE_URL; the proxy sits in front of it)', () => {
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    const target = new URL(process.env.DATABASE_URL as string);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    t = await createTestApp({ DATABASE_URL: proxied.toString() });
  });
  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
  });

  it('answers 503 with Retry-After while PostgreSQL is unreachable, and succeeds again after', async () => {
    const client = await signUp(t.app, 'pg-outage');
    const before = await client.post('/api/contacts', { name: 'Written before the outage' });
    expect(before.status, before.text).toBe(201);

    proxy.cut();
    for (const attempt of [1, 2, 3]) {
      const res = await within(5_000, client.post('/api/contacts', { name: `Refused write ${attempt}` }));
      expect(res.status, res.text).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      expect(res.body.error.message).not.toMatch(/127\.0\.0\.1|postgres/i);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    const read = await within(5_000, client.get('/api/tags'));
    expect(read.status).toBe(503);

    proxy.restore();
    let after = { status: 0, body: undefined as unknown, text: '' };
    const back = await eventually(async () => {
      after = await client.post('/api/contacts', { name: 'Written after the outage' });
      return after.status === 201;
    });
    expect(back, after.text).toBe(true);
    const list = await client.get('/api/contacts?limit=50');
    expect(list.status).toBe(200);
    const names = list.body.items.map((c: { name: string }) => c.name).sort();
    // Every acknowledged write is there; the refused ones are not.
    expect(names).toEqual(['Written after the outage', 'Written before the outage']);
    // No pool slot was lost to a connection that died while checked out (a transaction's `begin`).
    const stats = t.database.poolStats();
    expect(stats.total - stats.idle).toBe(0);
  });

  it('answers 503 (not a hang) when connections are accepted but never answered', async () => {
    const client = await signUp(t.app, 'pg-blackhole');
    proxy.blackhole();
    proxy.reset();
    const res = await within(8_000, client.post('/api/contacts', { name: 'Into the void' }));
    expect(res.status, res.text).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    proxy.restore();
    expect(await eventually(async () => (await client.post('/api/contacts', { name: 'Back' })).status === 201)).toBe(true);
  });

  it('fails a statement whose connection hangs mid-way with a 503, after the statement timeout', async () => {
    const client = await signUp(t.app, 'pg-hang');
    // Pooled connections stay open but nothing passes any more: the statement's answer never comes.
    proxy.blackhole();
    const res = await within(LIMITS.database.statementMs + 5_000, client.post('/api/contacts', { name: 'Stuck' }));
    expect(res.status, res.text).toBe(503);
    expect(res.headers['retry-after']).toBe(String(LIMITS.database.retryAfterSeconds));
    proxy.restore();
    expect(await eventually(async () => (await client.post('/api/contacts', { name: 'Unstuck' })).status === 201)).toBe(true);
  }, 30_000);
});

describe.skipIf(!process.env.DATABASE_URL)('synchronous_commit at start-up (needs DATABASE_URL)', () => {
  it('refuses a database that acknowledges commits before they are durable, unless allowed', async () => {
    const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 1, log: pino({ level: 'silent' }) });
    try {
      await expect(checkSynchronousCommit(database, false, pino({ level: 'silent' }))).resolves.toBeUndefined();
      // One pooled connection: the session setting applies to the check that follows.
      await database.pool?.query('set synchronous_commit = off');
      await expect(checkSynchronousCommit(database, false, pino({ level: 'silent' }))).rejects.toThrow(
        /synchronous_commit is 'off'.*ALLOW_ASYNC_COMMIT=true/,
      );
      await expect(checkSynchronousCommit(database, true, pino({ level: 'silent' }))).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });
});
