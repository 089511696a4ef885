import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, uniqueEmail, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient, type Response } from '../support/client.js';

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const randomIp = () => `10.${Array.from(crypto.randomBytes(3)).join('.')}`;

function setCookies(res: Response): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
}
const cookieLine = (res: Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`));

async function login(client: TestClient, email: string, password = TEST_PASSWORD): Promise<Response> {
  return client.post('/api/auth/login', { email, password });
}

/** A second browser signed in to the same account. */
async function secondBrowser(user: Client): Promise<TestClient> {
  const other = new TestClient(t.app);
  const res = await login(other, user.email);
  expect(res.status, res.text).toBe(200);
  return other;
}

/** Sends a request with exactly this session cookie, as someone who kept a copy of it would. */
async function meWithCookie(client: TestClient, token: string): Promise<number> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/auth/me',
    remoteAddress: client.remoteAddress,
    headers: { cookie: `mcrm_session=${token}` },
  });
  return res.statusCode;
}

const expectSignedOut = async (client: TestClient) => {
  const res = await client.get('/api/auth/me');
  expect(res.status).toBe(401);
  expect(res.body.error).toEqual({ code: 'unauthenticated', message: 'Sign in to continue.' });
};

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Lax, Path=/ and not Secure outside production', async () => {
    const client = new TestClient(t.app);
    const res = await client.post('/api/auth/signup', { email: uniqueEmail('cookie'), password: TEST_PASSWORD });
    expect(res.status).toBe(201);
    const session = cookieLine(res, 'mcrm_session')!;
    expect(session).toBeDefined();
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).toMatch(/; Path=\//);
    expect(session).toMatch(new RegExp(`; Max-Age=${t.config.sessionTtlDays * 86_400}`));
    expect(session).not.toMatch(/; Secure/);
    // The value is a long random token (≥ 128 bits), not something guessable.
    expect(client.cookies.get('mcrm_session')!.length).toBeGreaterThanOrEqual(22);
    expect(res.body.csrfToken).toBe(client.csrf);
  });

  it('are Secure and __Host- prefixed in production', async () => {
    const prod = await createTestApp({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-session-secret-of-40-chars!',
      ENCRYPTION_KEY: 'cd'.repeat(32),
    });
    try {
      const client = new TestClient(prod.app);
      const csrf = await client.get('/api/auth/csrf');
      expect(cookieLine(csrf, 'mcrm_csrf')).toMatch(/; Secure/);
      const res = await client.post('/api/auth/signup', { email: uniqueEmail('prod'), password: TEST_PASSWORD });
      expect(res.status, res.text).toBe(201);
      const session = cookieLine(res, '__Host-mcrm_session')!;
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/; HttpOnly/);
      expect(session).toMatch(/; SameSite=Lax/);
    } finally {
      await prod.close();
    }
  });
});

describe('sign-in and sign-out', () => {
  it('gives a new session id at sign-in; the one from before no longer works', async () => {
    const user = await signUp(t.app, 'rotate');
    const before = user.cookies.get('mcrm_session')!;
    const res = await login(user, user.email);
    expect(res.status).toBe(200);
    const after = user.cookies.get('mcrm_session')!;
    expect(after).not.toBe(before);
    expect(await meWithCookie(user, after)).toBe(200);
    expect(await meWithCookie(user, before)).toBe(401);

    // A session id planted by someone else before sign-in is replaced.
    const victim = new TestClient(t.app);
    victim.cookies.set('mcrm_session', 'planted-by-an-attacker');
    expect((await login(victim, user.email)).status).toBe(200);
    expect(victim.cookies.get('mcrm_session')).not.toBe('planted-by-an-attacker');
  });

  it('rejects the old cookie after sign-out', async () => {
    const user = await signUp(t.app, 'logout');
    const token = user.cookies.get('mcrm_session')!;
    const res = await user.post('/api/auth/logout');
    expect(res.status).toBe(204);
    expect(cookieLine(res, 'mcrm_session')).toMatch(/mcrm_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/);
    await expectSignedOut(user);
    expect(await meWithCookie(user, token)).toBe(401);
    // Signing out twice, or without a session, is harmless.
    expect((await user.post('/api/auth/logout')).status).toBe(204);
  });

  it('gives the same 401 for a wrong password and for an unknown email', async () => {
    const user = await signUp(t.app, 'same-401');
    const wrongPassword = await login(new TestClient(t.app), user.email, 'not the password at all');
    const unknownEmail = await login(new TestClient(t.app), uniqueEmail('nobody'), 'not the password at all');
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.body.error).toEqual({ code: 'unauthenticated', message: 'Email or password is incorrect.' });
    expect(unknownEmail.body.error).toEqual(wrongPassword.body.error);
    expect(cookieLine(wrongPassword, 'mcrm_session')).toBeUndefined();
  });

  it('refuses to sign up an email that already has an account, whatever its case', async () => {
    const user = await signUp(t.app, 'dupe');
    for (const email of [user.email, user.email.toUpperCase()]) {
      const res = await new TestClient(t.app).post('/api/auth/signup', { email, password: 'another long password' });
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'conflict', message: 'An account with this email already exists. Sign in instead.' });
    }
    expect((await login(new TestClient(t.app), user.email.toUpperCase())).status).toBe(200);
  });
});

describe('password change and sign-out everywhere', () => {
  it('ends every other session after a password change and keeps the current one', async () => {
    const user = await signUp(t.app, 'password');
    const other = await secondBrowser(user);
    const newPassword = 'a brand new passphrase';

    const wrong = await user.post('/api/auth/password', { currentPassword: 'not it at all', newPassword });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toBe('The current password is incorrect.');
    expect((await other.get('/api/auth/me')).status).toBe(200);

    const short = await user.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(`at least ${LIMITS.password.min} characters`);

    const changed = await user.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
    expect(changed.status).toBe(204);
    expect((await user.get('/api/auth/me')).status).toBe(200);
    await expectSignedOut(other);

    expect((await login(new TestClient(t.app), user.email, TEST_PASSWORD)).status).toBe(401);
    expect((await login(new TestClient(t.app), user.email, newPassword)).status).toBe(200);
  });

  it('signs out every session with logout-all', async () => {
    const user = await signUp(t.app, 'logout-all');
    const other = await secondBrowser(user);
    const res = await user.post('/api/auth/logout-all');
    expect(res.status).toBe(204);
    await expectSignedOut(user);
    await expectSignedOut(other);
    expect((await login(user, user.email)).status).toBe(200);
  });
});

describe('session lookups', () => {
  it('cost no database statement on a warm read, and a kept session still ends at once', async () => {
    const user = await signUp(t.app, 'warm');
    const other = await secondBrowser(user);
    expect((await user.get('/api/contacts')).status).toBe(200);
    // The session comes from Redis, or (without Redis) from what this process already read.
    const before = t.database.statementCount();
    expect((await user.get('/api/contacts')).status).toBe(200);
    expect(t.database.statementCount() - before).toBe(0);

    expect((await other.post('/api/auth/logout-all')).status).toBe(204);
    await expectSignedOut(user);
  });
});

describe('session list', () => {
  it('lists the sessions of the account, marks the current one, and revokes another', async () => {
    const user = await signUp(t.app, 'sessions');
    const other = new TestClient(t.app);
    expect(
      (await other.post('/api/auth/login', { email: user.email, password: TEST_PASSWORD }, { 'user-agent': 'Phone browser' })).status,
    ).toBe(200);

    const list = await user.get('/api/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.nextCursor).toBeNull();
    expect(list.body.items).toHaveLength(2);
    const current = list.body.items.find((s: { isCurrent: boolean }) => s.isCurrent);
    const phone = list.body.items.find((s: { isCurrent: boolean }) => !s.isCurrent);
    expect(current.ip).toBe(user.remoteAddress);
    expect(phone).toMatchObject({ userAgent: 'Phone browser', ip: other.remoteAddress, isCurrent: false });
    expect(phone.createdAt).toMatch(/Z$/);
    expect(phone.id).toMatch(/^[0-9a-f]{64}$/);
    // The listed id is not the cookie: it cannot be used to sign in.
    expect(await meWithCookie(user, phone.id)).toBe(401);

    const revoked = await user.delete(`/api/auth/sessions/${phone.id}`);
    expect(revoked.status).toBe(204);
    await expectSignedOut(other);
    expect((await user.get('/api/auth/sessions')).body.items).toHaveLength(1);
    expect((await user.delete(`/api/auth/sessions/${phone.id}`)).status).toBe(404);
  });

  it("answers 404 for a session that is not the caller's, and leaves it alone", async () => {
    const user = await signUp(t.app, 'sessions-a');
    const stranger = await signUp(t.app, 'sessions-b');
    const strangerSession = (await stranger.get('/api/auth/sessions')).body.items[0].id;
    const theirs = await user.delete(`/api/auth/sessions/${strangerSession}`);
    const random = await user.delete(`/api/auth/sessions/${crypto.randomBytes(32).toString('hex')}`);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error).toEqual(random.body.error);
    expect((await stranger.get('/api/auth/me')).status).toBe(200);
  });
});

describe('cross-site request defence', () => {
  it('refuses state-changing requests from another site or without the CSRF header', async () => {
    const user = await signUp(t.app, 'csrf');
    const body = { name: 'Forged' };
    const cases: [string, Record<string, string>, RegExp][] = [
      ['evil origin', { origin: 'https://evil.example' }, /Cross-site requests are not allowed/],
      ['null origin', { origin: 'null' }, /Cross-site/],
      ['fetch metadata', { 'sec-fetch-site': 'cross-site' }, /Cross-site/],
      ['no header', { 'x-csrf-token': '' }, /Missing or wrong x-csrf-token header/],
      ['wrong header', { 'x-csrf-token': `${user.csrf}x` }, /Missing or wrong x-csrf-token/],
    ];
    for (const [label, headers, message] of cases) {
      const res = await user.post('/api/contacts', body, headers);
      expect(res.status, label).toBe(403);
      expect(res.body.error.code, label).toBe('csrf_failed');
      expect(res.body.error.message, label).toMatch(message);
    }
    // A cookie the server did not sign is replaced, so copying it into the header does not help.
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/contacts',
      headers: {
        cookie: `mcrm_session=${user.cookies.get('mcrm_session')}; mcrm_csrf=made.up`,
        'x-csrf-token': 'made.up',
        'content-type': 'application/json',
      },
      payload: JSON.stringify(body),
    });
    expect(forged.statusCode).toBe(403);
    // Sign-in itself is protected, so another site cannot sign a browser in to its own account.
    const crossLogin = await new TestClient(t.app).post(
      '/api/auth/login',
      { email: user.email, password: TEST_PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(crossLogin.status).toBe(403);

    expect((await user.get('/api/contacts')).body.items).toEqual([]);
    // Same scheme, host and port as the request (plain http here; PUBLIC_URL names it behind a proxy).
    const sameOrigin = await user.post('/api/contacts', body, { origin: 'http://crm.example', host: 'crm.example' });
    expect(sameOrigin.status, sameOrigin.text).toBe(201);
  });
});

describe('rate limits', () => {
  it(`slows unknown browsers after ${LIMITS.login.perAccount} failed sign-ins to an account, even with the right password`, async () => {
    const user = await signUp(t.app, 'locked');
    for (let i = 0; i < LIMITS.login.perAccount; i++) {
      const attacker = new TestClient(t.app);
      expect((await login(attacker, user.email, `guess number ${i}`)).status).toBe(401);
    }
    const res = await login(new TestClient(t.app), user.email);
    expect(res.status).toBe(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.message).toMatch(/Wait a few minutes/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.login.windowMs / 1000);
    // The session the user already has keeps working, and other accounts are not affected.
    expect((await user.get('/api/auth/me')).status).toBe(200);
    const bystander = await signUp(t.app, 'bystander');
    expect((await login(new TestClient(t.app), bystander.email)).status).toBe(200);
  });

  it('forgets failures after a successful sign-in', async () => {
    const user = await signUp(t.app, 'forgiven');
    const client = new TestClient(t.app);
    const typos = LIMITS.login.perAccountAndIp - 1;
    for (let i = 0; i < typos; i++) expect((await login(client, user.email, `typo number ${i}`)).status).toBe(401);
    expect((await login(client, user.email)).status).toBe(200);
    for (let i = 0; i < typos; i++) expect((await login(client, user.email, `typo again ${i}`)).status).toBe(401);
    expect((await login(client, user.email)).status).toBe(200);
  });

  it(`limits sign-in attempts from one address to ${LIMITS.login.perIp} per window`, async () => {
    const ip = randomIp();
    const client = new TestClient(t.app);
    client.remoteAddress = ip;
    for (let i = 0; i < LIMITS.login.perIp; i++) {
      expect((await login(client, uniqueEmail(`spray${i}`), 'password spraying')).status).toBe(401);
    }
    const user = await signUp(t.app, 'same-ip');
    const res = await login(client, user.email);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'requestId']);

    const elsewhere = new TestClient(t.app);
    expect((await login(elsewhere, user.email)).status).toBe(200);
  });

  it(`limits sign-ups from one address to ${LIMITS.signup.perIp} per window`, async () => {
    const client = new TestClient(t.app);
    client.remoteAddress = randomIp();
    for (let i = 0; i < LIMITS.signup.perIp; i++) {
      const res = await client.post('/api/auth/signup', { email: uniqueEmail(`farm${i}`), password: TEST_PASSWORD });
      expect(res.status, res.text).toBe(201);
    }
    const res = await client.post('/api/auth/signup', { email: uniqueEmail('farm-last'), password: TEST_PASSWORD });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toBe('Too many sign-ups from this network. Wait a few minutes and try again.');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
