import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/server/config.js';
import { openTestDatabase } from '../support/embedded-template.js';
import { startMetricsListener } from '../../src/server/platform/metrics-listener.js';
import { createLogger } from '../../src/server/runtime.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { postFile } from '../support/route-cases.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function memoryLog() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger(
    loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'info', SESSION_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'ab'.repeat(32) }),
    sink,
  );
  return { log, text: () => lines.join('') };
}

describe('caching of private answers', () => {
  it('marks every authenticated API answer no-store, and photos private, no-cache with an ETag', async () => {
    const user = await signUp(t.app, 'no-store');
    const contact = (await user.post('/api/contacts', { name: 'Cache Test', hasPhotoConsent: true })).body.id as string;
    for (const url of [
      '/api/auth/me',
      '/api/contacts',
      `/api/contacts/${contact}`,
      '/api/dashboard/stats',
      '/api/auth/sessions',
      '/api/tags',
    ]) {
      const res = await user.get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    expect((await user.get('/api/contacts/00000000-0000-4000-8000-000000000000')).headers['cache-control']).toBe('no-store');
    expect((await user.post('/api/contacts', { name: 'Second' })).headers['cache-control']).toBe('no-store');

    const image = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#88aacc' } })
      .png()
      .toBuffer();
    const uploaded = await postFile(user, `/api/contacts/${contact}/photos`, image, { contentType: 'image/png', filename: 'a.png' });
    expect(uploaded.status, uploaded.text).toBe(201);
    const photo = await user.get(`/api/photos/${uploaded.body.id}`);
    expect(photo.status).toBe(200);
    expect(photo.headers['cache-control']).toBe('private, no-cache');
    const etag = String(photo.headers.etag);
    expect(etag).toMatch(/^"/);
    const again = await user.get(`/api/photos/${uploaded.body.id}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('private, no-cache');
  });
});

describe('security headers on every kind of answer', () => {
  const kinds: Array<[string, InjectOptions]> = [
    ['page', { method: 'GET', url: '/' }],
    ['unknown page', { method: 'GET', url: '/no-such-page' }],
    ['API without session', { method: 'GET', url: '/api/tags' }],
    ['unknown API route', { method: 'GET', url: '/api/nothing-here' }],
    ['health', { method: 'GET', url: '/health/live' }],
    ['malformed URL', { method: 'GET', url: '/api/contacts/%E0%A4%A' }],
    ['over-long parameter', { method: 'GET', url: `/api/contacts/${'a'.repeat(300)}` }],
    [
      'body too large',
      {
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: `{"x":"${'a'.repeat(300_000)}"}`,
      },
    ],
    ['bad JSON', { method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' }],
  ];

  it.each(kinds)('%s', async (_label, request) => {
    const res = await t.app.inject(request);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('asks browsers to upgrade insecure requests only when served over https', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://crm.example' }, t.database);
    try {
      for (const request of kinds.map(([, r]) => r)) {
        const res = await https.app.inject(request);
        expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
    } finally {
      await https.close();
    }
    // Production on plain http (a LAN address, no PUBLIC_URL) must not ask for https.
    const lan = await createTestApp(
      { NODE_ENV: 'production', SESSION_SECRET: 'a-production-session-secret-of-40-chars!', ENCRYPTION_KEY: 'cd'.repeat(32) },
      t.database,
    );
    try {
      const res = await lan.app.inject({ method: 'GET', url: '/', headers: { host: '192.168.1.20:3000' } });
      expect(String(res.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    } finally {
      await lan.close();
    }
  });
});

describe('readiness and metrics', () => {
  it('answers ok / failing per dependency, and logs the detail only', async () => {
    const { log, text } = memoryLog();
    const database = await openTestDatabase({ log: pino({ level: 'silent' }) });
    await database.migrate();
    const broken = await createTestApp({}, database, { log });
    try {
      expect((await broken.app.inject({ method: 'GET', url: '/health/ready' })).json().checks.database).toBe('ok');
      await database.close();
      const res = await broken.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('not_ready');
      expect(body.checks.database).toBe('failing');
      expect(Object.values(body.checks).every((v) => v === 'ok' || v === 'failing')).toBe(true);
      expect(text()).toMatch(/"check":"database"/);
    } finally {
      await broken.app.close();
    }
  });

  it('serves /metrics on the main port only with the token, and without it on a loopback listener', async () => {
    const open = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(open.statusCode).toBe(401);
    const listener = await startMetricsListener({ metrics: t.app.metrics, port: 0, log: pino({ level: 'silent' }) });
    try {
      const res = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/process_resident_memory_bytes \d+/);
      expect((await fetch(`http://127.0.0.1:${listener.port}/other`)).status).toBe(404);
      expect(listener.host).toBe('127.0.0.1');
    } finally {
      await listener.close();
    }
  });

  it('refuses TRUST_PROXY=true with a message saying what to set', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*number of proxies|TRUST_PROXY: .*hops/);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5']);
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});

describe('load shedding', () => {
  const webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-web-'));
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(webDir, 'assets', 'index-abc.js'), 'console.log(1)');
  afterAll(() => fs.rmSync(webDir, { recursive: true, force: true }));

  const stall = (ms: number) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      // A synchronous stall is what the event-loop monitor measures.
    }
  };

  it('sheds API requests past the threshold, never health routes or the app files', async () => {
    const shedding = await createTestApp({ MAX_EVENT_LOOP_DELAY_MS: '20', LOAD_SHED_GRACE_MS: '0', WEB_DIST_DIR: webDir }, t.database);
    try {
      let shed: Awaited<ReturnType<typeof shedding.app.inject>> | undefined;
      for (let i = 0; i < 40 && !shed; i++) {
        await new Promise((r) => setTimeout(r, 5));
        stall(150);
        await new Promise((r) => setTimeout(r, 1));
        for (const url of ['/health/live', '/health/ready', '/assets/index-abc.js', '/', '/contacts']) {
          expect((await shedding.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
        }
        const res = await shedding.app.inject({ method: 'GET', url: '/api/auth/csrf' });
        if (res.statusCode === 503) shed = res;
      }
      expect(shed, 'no API request was shed').toBeDefined();
      expect(shed!.headers['retry-after']).toBe('5');
      expect(shed!.json().error.code).toBe('unavailable');
    } finally {
      await shedding.close();
    }
  });

  it('sheds nothing during the start-up grace, nor below the threshold', async () => {
    const graced = await createTestApp({ MAX_EVENT_LOOP_DELAY_MS: '20', LOAD_SHED_GRACE_MS: '600000' }, t.database);
    const calm = await createTestApp({ MAX_EVENT_LOOP_DELAY_MS: '5000', LOAD_SHED_GRACE_MS: '0' }, t.database);
    try {
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 5));
        stall(150);
        await new Promise((r) => setTimeout(r, 1));
        expect((await graced.app.inject({ method: 'GET', url: '/api/auth/csrf' })).statusCode).toBe(200);
        expect((await calm.app.inject({ method: 'GET', url: '/api/auth/csrf' })).statusCode).toBe(200);
      }
      // Right after start, before any sample, there is no pressure to report.
      const fresh = await createTestApp({ MAX_EVENT_LOOP_DELAY_MS: '20', LOAD_SHED_GRACE_MS: '0' }, t.database);
      try {
        expect((await fresh.app.inject({ method: 'GET', url: '/api/auth/csrf' })).statusCode).toBe(200);
      } finally {
        await fresh.close();
      }
    } finally {
      await graced.close();
      await calm.close();
    }
  });
});

describe('client data never reaches the logs', () => {
  it('finds the canary 0 times after it went into every field, search and cursor, and errors', async () => {
    const canary = `zq${Math.random().toString(36).slice(2, 10)}canary`;
    // A phone must be digits: its own canary.
    const phoneCanary = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
    const { log, text } = memoryLog();
    const logged = await createTestApp({ LOG_LEVEL: 'info' }, t.database, {
      log,
      routes(app) {
        app.post('/api/test/db-error', async (req) => {
          const { value } = req.body as { value: string };
          await t.database.db.execute(sql`select ${value}::int as n`);
          return { ok: true };
        });
      },
    });
    try {
      const user = await signUp(logged.app, canary);
      const base = {
        name: `${canary} Name`,
        notes: `notes ${canary}`,
        emails: [`${canary}@example.test`],
        phones: [`+33 6 ${phoneCanary}`],
        importantDates: [{ label: canary, date: '2020-02-03' }],
        customFields: { [canary]: canary },
      };
      for (let i = 0; i < 3; i++) {
        const res = await user.post('/api/contacts', { ...base, name: `${canary} ${i}` });
        expect(res.status, res.text).toBe(201);
      }
      const page = await user.get(`/api/contacts?q=${canary}&limit=1&sort=name`);
      expect(page.status).toBe(200);
      const cursor = page.body.nextCursor as string;
      expect(cursor).toBeTruthy();
      expect(cursor).not.toContain(canary);
      expect(Buffer.from(cursor.replace(/\./g, ''), 'base64url').toString('latin1')).not.toContain(canary);
      expect((await user.get(`/api/contacts?q=${canary}&limit=1&sort=name&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
      expect((await user.get(`/api/contacts?cursor=${canary}`)).status).toBe(400);
      expect((await user.post('/api/contacts', { name: canary, stage: canary })).status).toBe(400);
      expect((await user.post('/api/contacts', { name: canary, [canary]: canary })).status).toBe(400);
      const badPhone = await user.post('/api/contacts', { name: canary, phones: [`${canary} ${phoneCanary}`] });
      expect(badPhone.status).toBe(400);
      expect(badPhone.text).not.toContain(canary);
      expect((await user.post('/api/auth/login', { email: `${canary}@example.test`, password: canary })).status).toBe(401);
      expect((await user.get(`/api/nothing?q=${canary}&cursor=${canary}`)).status).toBe(404);
      const failed = await user.post('/api/test/db-error', { value: canary });
      expect(failed.status).toBe(500);
      expect(failed.text).not.toContain(canary);

      const all = text();
      expect(all).toMatch(/"code":"22P02"/);
      expect(all).toContain('request completed');
      expect(all.split('\n').filter((line) => line.includes(canary) || line.includes(phoneCanary))).toEqual([]);
    } finally {
      await logged.close();
    }
  });
});
