import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { connectRedis, watchRedis } from '../../src/server/platform/kv.js';
import { createDbSessionStore, createRedisSessionStore, type SessionStore } from '../../src/server/modules/auth/session-store.js';
import { createTestApp, hasRedis, uniqueEmail, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient, type Response } from '../support/client.js';

const DAY = 86_400_000;
let now = new Date('2031-03-01T08:00:00Z').getTime();
const clock = () => new Date(now);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ SESSION_IDLE_DAYS: '7', SESSION_TTL_DAYS: '30' }, undefined, { clock });
});
afterAll(() => t.close());

const stores: Array<[string, () => Promise<{ store: SessionStore; close(): Promise<void> }>]> = [
  [
    'database',
    async () => ({
      store: createDbSessionStore(t.database.db, { clock, ttlDays: 30, idleDays: 7, changed: async () => {} }),
      close: async () => {},
    }),
  ],
];
if (hasRedis) {
  stores.push([
    'redis',
    async () => {
      const redis = await connectRedis(process.env.REDIS_URL!, pino({ level: 'silent' }));
      const health = watchRedis(redis);
      const store = createRedisSessionStore(redis, t.database.db, { clock, ttlDays: 30, idleDays: 7, changed: async () => {} }, health);
      return {
        store,
        close: async () => {
          health.stop();
          await redis.quit();
        },
      };
    },
  ]);
}

describe.each(stores)('idle timeout on the %s session store', (_name, open) => {
  it('ends a session unused for longer than the idle timeout, and keeps one in use until its absolute end', async () => {
    const { store, close } = await open();
    try {
      const user = await signUp(t.app, 'idle-store');
      const start = now;
      const idle = await store.create(user.userId, {});
      const busy = await store.create(user.userId, {});
      for (const day of [6, 12, 18, 24]) {
        now = start + day * DAY;
        expect(await store.get(busy.token), `day ${day}`).toBeDefined();
      }
      expect(await store.get(idle.token)).toBeUndefined();
      expect((await store.list(user.userId)).map((s) => s.idHash)).toEqual([busy.record.idHash]);
      now = start + 30 * DAY + 1000;
      expect(await store.get(busy.token)).toBeUndefined();
    } finally {
      now += DAY;
      await close();
    }
  });
});

describe('idle timeout through the app', () => {
  it('answers 401 after seven idle days, while a session used every few days goes on', async () => {
    const idle = await signUp(t.app, 'idle-app');
    const busy = await signUp(t.app, 'busy-app');
    const start = now;
    now = start + 5 * DAY;
    expect((await busy.get('/api/auth/me')).status).toBe(200);
    now = start + 10 * DAY;
    expect((await busy.get('/api/auth/me')).status).toBe(200);
    expect((await idle.get('/api/auth/me')).status).toBe(401);
    expect((await idle.post('/api/auth/login', { email: idle.email, password: TEST_PASSWORD })).status).toBe(200);
    expect((await idle.get('/api/auth/me')).status).toBe(200);
  });
});

const setCookies = (res: Response): string[] => {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
};

describe('session cookie name', () => {
  it('is __Host- prefixed over https, and works as the session', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://crm.example' });
    try {
      const client = new TestClient(https.app);
      const res = await client.post('/api/auth/signup', { email: uniqueEmail('host'), password: TEST_PASSWORD }, { host: 'crm.example' });
      expect(res.status).toBe(201);
      const line = setCookies(res).find((c) => c.startsWith('__Host-mcrm_session='));
      expect(line).toBeDefined();
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; Path=\//);
      expect(line).not.toMatch(/Domain=/i);
      expect(setCookies(res).some((c) => c.startsWith('mcrm_session='))).toBe(false);
      expect((await client.get('/api/auth/me')).status).toBe(200);
      // The plain name is not read over https: a cookie planted by a sibling http site is ignored.
      const planted = await https.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { cookie: `mcrm_session=${client.cookies.get('__Host-mcrm_session')}` },
      });
      expect(planted.statusCode).toBe(401);
    } finally {
      await https.close();
    }
  });

  it('keeps the plain name over http', async () => {
    const client = new TestClient(t.app);
    const res = await client.post('/api/auth/signup', { email: uniqueEmail('plain'), password: TEST_PASSWORD });
    expect(setCookies(res).some((c) => c.startsWith('mcrm_session='))).toBe(true);
    expect(setCookies(res).some((c) => c.startsWith('__Host-'))).toBe(false);
  });
});
