import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD } from '../support/client.js';
import { createLogger } from '../../src/server/runtime.js';
import { loadConfig } from '../../src/server/config.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ METRICS_TOKEN: 'a-metrics-token-long-enough' });
});
afterAll(() => t.close());

describe('health', () => {
  it('answers live without touching dependencies and ready with each check', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    const body = ready.json();
    expect(body).toEqual({ status: 'ready', checks: expect.any(Object) });
    expect(body.checks.database).toBe('ok');
    expect(body.checks.migrations).toBe('ok');
    if (process.env.REDIS_URL) expect(body.checks.redis).toBe('ok');
  });
});

describe('security headers', () => {
  it('are on every answer: pages, API errors and health', async () => {
    for (const url of ['/', '/api/tags', '/health/live', '/no-such-page']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['content-security-policy'], url).toContain("img-src 'self' data: blob:");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['strict-transport-security'], url).toContain('max-age=');
    }
  });
});

describe('metrics', () => {
  it('exports latency per route, statements per request, pool, cache and process figures', async () => {
    const a = await signUp(t.app, 'metrics');
    await a.get('/api/contacts');
    await a.get('/api/contacts');
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer a-metrics-token-long-enough' } });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/contacts"[^}]*status="200"/);
    expect(text).toMatch(/http_request_sql_statements_count\{route="\/api\/contacts"\} 2/);
    expect(text).toMatch(/db_pool_connections\{state="total"\} \d+/);
    expect(text).toMatch(/db_statements_total \d+/);
    const misses = Number(/^cache_operations\{result="miss"\} (\d+)$/m.exec(text)?.[1]);
    const computed = Number(/^cache_computations (\d+)$/m.exec(text)?.[1]);
    // The first contacts page was computed; a miss is computed unless another instance shared it.
    expect(computed).toBeGreaterThanOrEqual(1);
    expect(computed).toBeLessThanOrEqual(misses);
    expect(text).toMatch(/cache_local_bytes \d+/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
    expect(text).toMatch(/nodejs_eventloop_lag_seconds /);
    expect(text).toContain('# TYPE outbound_calls_total counter');
  });

  it('requires the bearer token when one is configured', async () => {
    const secured = await createTestApp({ METRICS_TOKEN: 'a-metrics-token-long-enough' }, t.database);
    try {
      const denied = await secured.app.inject({ method: 'GET', url: '/metrics' });
      expect(denied.statusCode).toBe(401);
      expect(denied.json().error.code).toBe('unauthenticated');
      const allowed = await secured.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: 'Bearer a-metrics-token-long-enough' },
      });
      expect(allowed.statusCode).toBe(200);
    } finally {
      await secured.close();
    }
  });
});

describe('logs', () => {
  it('carry the request id and user id and never passwords, cookies or CSRF tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // The production logger (redaction included), writing into memory.
    const log = createLogger(
      loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'info', SESSION_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'ab'.repeat(32) }),
      sink,
    );
    const logged = await createTestApp({ LOG_LEVEL: 'info' }, t.database, { log });
    try {
      const a = await signUp(logged.app, 'logs');
      await a.post('/api/auth/login', { email: a.email, password: TEST_PASSWORD });
      await a.get('/api/contacts');
      await a.post('/api/auth/login', { email: a.email, password: 'a wrong password here' });
      const session = a.cookies.get('mcrm_session')!;
      const all = lines.join('');
      expect(all).not.toContain(TEST_PASSWORD);
      expect(all).not.toContain(session);
      expect(all).not.toContain(a.csrf);
      const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const completed = records.filter((r) => r.msg === 'request completed');
      expect(completed.length).toBeGreaterThan(3);
      expect(completed.every((r) => typeof r.requestId === 'string')).toBe(true);
      expect(completed.some((r) => r.userId === a.userId)).toBe(true);
    } finally {
      await logged.close();
    }
  });
});
