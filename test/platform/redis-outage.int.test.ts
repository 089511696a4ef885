import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRedisEvictionPolicy, connectRedis } from '../../src/server/platform/kv.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';
import { startTcpProxy, type TcpProxy } from '../fakes/tcp-proxy.js';

/** Rejects once ms passed: a bound on how long a request may take, not a measure of its speed. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

async function eventually(check: () => boolean | Promise<boolean>, tries = 100, gapMs = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, gapMs));
  }
  return false;
}

const names = (body: { items: Array<{ name: string }> }) => body.items.map((c) => c.name).sort();

describe.skipIf(!process.env.REDIS_URL)('Redis outage (needs REDIS_URL; the proxy sits in front of it)', () => {
  let proxy: TcpProxy;
  let t: TestApp;

  beforeAll(async () => {
    const target = new URL(process.env.REDIS_URL as string);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const proxied = new URL(target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    t = await createTestApp({ REDIS_URL: proxied.toString() });
    expect(await eventually(() => t.app.services.redisHealth?.usable() === true)).toBe(true);
  });
  afterAll(async () => {
    proxy?.restore();
    t?.app.services.redisHealth?.stop();
    await t?.close();
    await proxy?.close();
  });

  it('keeps serving signed-in requests while Redis is cut, and serves no stale read once it is back', async () => {
    const client = await signUp(t.app, 'redis-outage');
    const leaving = await signUp(t.app, 'redis-signout');
    expect((await client.post('/api/contacts', { name: 'Before' })).status).toBe(201);
    // Read twice: the page is now cached under the current generation.
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before']);
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before']);

    proxy.cut();
    const ready = await within(1_000, t.app.inject({ method: 'GET', url: '/health/ready' }));
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.redis).toBe('failing');

    const me = await within(5_000, client.get('/api/auth/me'));
    expect(me.status, me.text).toBe(200);
    const during = await within(5_000, client.post('/api/contacts', { name: 'During' }));
    expect(during.status, during.text).toBe(201);
    const list = await within(5_000, client.get('/api/contacts'));
    expect(list.status).toBe(200);
    expect(names(list.body)).toEqual(['Before', 'During']);
    // Rate limits fall back to this process's counters: a wrong password is a 401, not a 500.
    const stranger = new TestClient(t.app);
    const wrong = await within(5_000, stranger.post('/api/auth/login', { email: client.email, password: `${TEST_PASSWORD}x` }));
    expect(wrong.status, wrong.text).toBe(401);
    // A sign-in works, with its session stored in PostgreSQL.
    const again = new TestClient(t.app);
    const signedIn = await within(5_000, again.post('/api/auth/login', { email: client.email, password: TEST_PASSWORD }));
    expect(signedIn.status, signedIn.text).toBe(200);
    expect((await again.get('/api/auth/me')).status).toBe(200);
    // A sign-out during the outage cannot delete the session's copy in Redis yet.
    const leavingCopy = new TestClient(t.app);
    leavingCopy.cookies = new Map(leaving.cookies);
    expect((await within(5_000, leaving.post('/api/auth/logout'))).status).toBeLessThan(300);
    expect((await leavingCopy.get('/api/auth/me')).status).toBe(401);

    proxy.restore();
    expect(await eventually(() => t.app.services.redisHealth?.usable() === true)).toBe(true);
    const readyAgain = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(readyAgain.statusCode).toBe(200);
    // The write made while Redis was cut is visible (the epoch moved on), twice (cached again).
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before', 'During']);
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before', 'During']);
    // The session signed out during the outage stays signed out now that copies are read again.
    expect((await leavingCopy.get('/api/auth/me')).status).toBe(401);
    expect((await client.get('/api/auth/me')).status).toBe(200);
  });

  it('answers while Redis accepts connections but never replies (commands time out)', async () => {
    const client = await signUp(t.app, 'redis-blackhole');
    expect((await client.post('/api/contacts', { name: 'Before' })).status).toBe(201);
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before']);
    proxy.blackhole();
    proxy.reset();
    const ready = await within(1_000, t.app.inject({ method: 'GET', url: '/health/ready' }));
    expect(ready.statusCode).toBe(503);
    const during = await within(5_000, client.post('/api/contacts', { name: 'During' }));
    expect(during.status, during.text).toBe(201);
    expect((await within(5_000, client.get('/api/auth/me'))).status).toBe(200);
    proxy.restore();
    expect(await eventually(() => t.app.services.redisHealth?.usable() === true)).toBe(true);
    expect(names((await client.get('/api/contacts')).body)).toEqual(['Before', 'During']);
  });
});

/** A Redis that answers CONFIG GET maxmemory-policy with `policy` (RESP over a real socket). */
async function startPolicyRedis(policy: string) {
  const bulk = (v: string) => `$${Buffer.byteLength(v)}\r\n${v}\r\n`;
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      const text = chunk.toString();
      for (const command of text.split(/\*\d+\r\n/).filter(Boolean)) {
        const words = command.split('\r\n').filter((_, i) => i % 2 === 1);
        const name = (words[0] ?? '').toLowerCase();
        if (name === 'info') socket.write(bulk('# Server\r\nredis_version:7.2.0\r\nloading:0\r\n'));
        else if (name === 'config') socket.write(`*2\r\n${bulk('maxmemory-policy')}${bulk(policy)}`);
        else if (name === 'ping') socket.write('+PONG\r\n');
        else socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}/0`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('Redis eviction policy at start-up', () => {
  it.each(['allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'allkeys-random'])('refuses %s with a message', async (policy) => {
    const fake = await startPolicyRedis(policy);
    const redis = await connectRedis(fake.url, pino({ level: 'silent' }));
    try {
      await expect(checkRedisEvictionPolicy(redis, pino({ level: 'silent' }))).rejects.toThrow(
        new RegExp(`maxmemory-policy is '${policy}'.*noeviction`),
      );
    } finally {
      redis.disconnect();
      await fake.close();
    }
  });

  it('accepts noeviction', async () => {
    const fake = await startPolicyRedis('noeviction');
    const redis = await connectRedis(fake.url, pino({ level: 'silent' }));
    try {
      await expect(checkRedisEvictionPolicy(redis, pino({ level: 'silent' }))).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
      await fake.close();
    }
  });
});
