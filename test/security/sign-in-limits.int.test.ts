import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, hasRedis, uniqueEmail, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient, type Response } from '../support/client.js';

/** Every store the limits can live in: the in-process one always, Redis when REDIS_URL is set. */
const STORES = hasRedis ? ['memory', 'redis'] : ['memory'];
const WINDOW_MS = LIMITS.login.windowMs;
let nextIp = 1;
const freshIp = () => `172.${16 + (nextIp % 16)}.${Math.floor(nextIp / 250) % 250}.${(nextIp++ % 250) + 1}`;

describe.each(STORES)('sign-in limits on the %s store', (store) => {
  let now = new Date('2030-01-01T10:00:00Z').getTime() + Math.floor(Math.random() * 1e9);
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(store === 'memory' ? { REDIS_URL: '' } : {}, undefined, { clock: () => new Date(now) });
  });
  afterAll(() => t.close());

  const fromIp = (ip = freshIp()) => {
    const client = new TestClient(t.app);
    client.remoteAddress = ip;
    return client;
  };
  const login = (client: TestClient, email: string, password = TEST_PASSWORD): Promise<Response> =>
    client.post('/api/auth/login', { email, password });

  it(`verifies at most ${LIMITS.login.perAccount} of 30 concurrent wrong passwords for one account; the rest get 429`, async () => {
    const user = await signUp(t.app, 'concurrent');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(fromIp(), user.email, `wrong guess ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LIMITS.login.perAccount);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429).length).toBe(30 - statuses.filter((s) => s === 401).length);
  });

  it(`allows ${LIMITS.login.perAccountAndIp} concurrent wrong passwords from one address, then 429`, async () => {
    const user = await signUp(t.app, 'pair');
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => login(fromIp(ip), user.email, `pair guess ${i}`)));
    expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(LIMITS.login.perAccountAndIp);
    expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(12 - LIMITS.login.perAccountAndIp);
  });

  it('lets the owner in from a known device while an attacker is throttled, and from a new address after the window', async () => {
    const user = await signUp(t.app, 'owner');
    // The owner's browser signed in before: it holds the device cookie.
    const ownerBrowser = fromIp();
    expect((await login(ownerBrowser, user.email)).status).toBe(200);
    const deviceCookie = [...ownerBrowser.cookies.keys()].find((name) => name.includes('mcrm_device'));
    expect(deviceCookie, 'a device cookie after sign-in').toBeDefined();

    // An attacker sprays wrong passwords from many addresses until the account-wide limit throttles them.
    const attacker = Array.from({ length: LIMITS.login.perAccount + 3 }, () => fromIp());
    const sprayed = [];
    for (const [i, client] of attacker.entries()) sprayed.push((await login(client, user.email, `spray ${i}`)).status);
    expect(sprayed.slice(-3)).toEqual([429, 429, 429]);
    const throttled = await login(attacker[0]!, user.email);
    expect(throttled.status).toBe(429);

    // The owner's known browser, from yet another network, still gets in with the right password.
    ownerBrowser.remoteAddress = freshIp();
    const known = await login(ownerBrowser, user.email);
    expect(known.status, known.text).toBe(200);

    // A new browser on a new address is slowed while the attacker's window lasts, and gets in after it.
    const newBrowser = fromIp();
    expect((await login(newBrowser, user.email)).status).toBe(429);
    now += WINDOW_MS + 1000;
    expect((await login(newBrowser, user.email)).status).toBe(200);
  });

  it('does not take a device cookie signed for another account, or forged', async () => {
    const owner = await signUp(t.app, 'device-a');
    const other = await signUp(t.app, 'device-b');
    const browser = fromIp();
    expect((await login(browser, other.email)).status).toBe(200);
    for (let i = 0; i < LIMITS.login.perAccount; i++) await login(fromIp(), owner.email, `spray ${i}`);
    // Known for the other account only: for this one it is an unknown client.
    expect((await login(browser, owner.email)).status).toBe(429);
    const name = [...browser.cookies.keys()].find((n) => n.includes('mcrm_device'))!;
    browser.cookies.set(name, `${browser.cookies.get(name)}x`);
    expect((await login(browser, owner.email)).status).toBe(429);
    now += WINDOW_MS + 1000;
  });

  it('limits password changes like sign-in and rotates the session id on success', async () => {
    const user = await signUp(t.app, 'change');
    const newPassword = 'another fine passphrase';
    for (let i = 0; i < LIMITS.login.perAccountAndIp; i++) {
      const wrong = await user.post('/api/auth/password', { currentPassword: `wrong ${i}`, newPassword });
      expect(wrong.status).toBe(422);
    }
    const limited = await user.post('/api/auth/password', { currentPassword: 'wrong again', newPassword });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password waits for the window: the limit is what makes guessing useless.
    expect((await user.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword })).status).toBe(429);
    now += WINDOW_MS + 1000;

    const before = user.cookies.get('mcrm_session')!;
    const changed = await user.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
    expect(changed.status, changed.text).toBe(204);
    const after = user.cookies.get('mcrm_session')!;
    expect(after).not.toBe(before);
    expect((await user.get('/api/auth/me')).status).toBe(200);
    const old = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `mcrm_session=${before}` } });
    expect(old.statusCode).toBe(401);
  });
});

describe('client address behind a proxy', () => {
  async function sessionIp(app: TestApp['app'], peer: string, forwardedFor?: string): Promise<string> {
    const client = new TestClient(app);
    client.remoteAddress = peer;
    const email = uniqueEmail('proxy');
    const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
    expect((await client.post('/api/auth/signup', { email, password: TEST_PASSWORD }, headers)).status).toBe(201);
    const list = await client.get('/api/auth/sessions');
    return list.body.items[0].ip;
  }

  it('ignores X-Forwarded-For from a peer that is not the configured proxy', async () => {
    const t = await createTestApp({ TRUST_PROXY: '10.250.0.1' });
    try {
      expect(await sessionIp(t.app, '10.66.0.5', '203.0.113.7')).toBe('10.66.0.5');
      expect(await sessionIp(t.app, '10.250.0.1', '203.0.113.7')).toBe('203.0.113.7');
      // Rotating the header from an untrusted peer does not escape the per-address sign-up limit.
      const peer = '10.66.0.9';
      const statuses: number[] = [];
      for (let i = 0; i <= LIMITS.signup.perIp; i++) {
        const client = new TestClient(t.app);
        client.remoteAddress = peer;
        const res = await client.post(
          '/api/auth/signup',
          { email: uniqueEmail('rotate'), password: TEST_PASSWORD },
          { 'x-forwarded-for': `198.51.100.${i + 1}` },
        );
        statuses.push(res.status);
      }
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('with a hop count, takes the address the last proxy saw, not one the client wrote', async () => {
    const t = await createTestApp({ TRUST_PROXY: '1' });
    try {
      expect(await sessionIp(t.app, '10.250.0.2', '203.0.113.99, 198.51.100.20')).toBe('198.51.100.20');
    } finally {
      await t.close();
    }
  });
});

describe('origin check', () => {
  it('compares scheme, host and port with the public URL', async () => {
    const t = await createTestApp({ PUBLIC_URL: 'https://crm.example' });
    try {
      const user = await signUp(t.app, 'origin');
      const post = (origin: string) => user.post('/api/contacts', { name: 'Origin test' }, { origin, host: 'crm.example' });
      expect((await post('http://crm.example')).status).toBe(403);
      expect((await post('https://crm.example:8443')).status).toBe(403);
      expect((await post('https://evil.example')).status).toBe(403);
      expect((await post('https://crm.example')).status).toBe(201);
    } finally {
      await t.close();
    }
  });

  it('without a public URL, compares with the scheme the request came in on', async () => {
    const t = await createTestApp();
    try {
      const user = await signUp(t.app, 'origin-http');
      const post = (origin: string) => user.post('/api/contacts', { name: 'Origin test' }, { origin, host: 'crm.local:3000' });
      expect((await post('https://crm.local:3000')).status).toBe(403);
      expect((await post('http://crm.local')).status).toBe(403);
      expect((await post('http://crm.local:3000')).status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
