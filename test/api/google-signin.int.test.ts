import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';
import { startFakeGoogle, type FakeGoogle } from '../fakes/fake-google.js';

/** "Sign in with Google" against the fake Google: id_tokens signed with its key, checked against its certs. */

let t: TestApp;
let google: FakeGoogle;
/** Moves the app's clock (pending links and states expire by it). */
let offsetMs = 0;
beforeAll(async () => {
  google = await startFakeGoogle();
  t = await createTestApp(google.env(), undefined, { clock: () => new Date(Date.now() + offsetMs) });
});
afterAll(async () => {
  await t.close();
  await google.close();
});

const googleAccount = (label: string, options: { emailVerified?: boolean } = {}) => {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@gmail.test`;
  google.addUser({ email, name: `Name ${label}`, ...options });
  return email;
};

async function start(client: TestClient, query = '') {
  const res = await client.get(`/api/auth/google${query}`);
  expect(res.status, res.text).toBe(302);
  return new URL(String(res.headers.location));
}

/** The browser's round trip: our start, Google's consent (as `email`), our callback. Answers the callback. */
async function signInWithGoogle(client: TestClient, email: string, query = '') {
  google.authorizeAs(email);
  const authorize = await start(client, query);
  const back = new URL(await google.approve(authorize.toString()));
  return client.get(back.pathname + back.search);
}

const me = (client: TestClient) => client.get('/api/auth/me');
const usersWithEmail = (email: string) =>
  queryRows<{ id: string; google_sub: string | null; timezone: string }>(
    t.database.db,
    sql`select id, google_sub, timezone from users where lower(email) = lower(${email})`,
  );
const auditActions = async (client: TestClient) =>
  ((await client.get('/api/audit')).body.items as { action: string }[]).map((e) => e.action);

describe('Sign in with Google', () => {
  it('creates an account for a new verified email, in the browser time zone, with PKCE, a nonce and the base scopes only', async () => {
    const client = new TestClient(t.app);
    const email = googleAccount('new');
    google.authorizeAs(email);
    const authorize = await start(client, '?timezone=Europe/Paris');
    expect(authorize.origin + authorize.pathname).toBe(google.authUrl);
    expect(authorize.searchParams.get('scope')).toBe('openid email profile');
    expect(authorize.searchParams.get('access_type')).toBe('online');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/\/api\/auth\/google\/callback$/);
    const back = new URL(await google.approve(authorize.toString()));
    const callback = await client.get(back.pathname + back.search);
    expect(callback.status, callback.text).toBe(302);
    expect(callback.headers.location).toBe('/sign-in?google=signed_in');

    const tokenCall = google.requests.filter((r) => r.path === '/token').at(-1)!;
    const verifier = new URLSearchParams(tokenCall.text).get('code_verifier')!;
    expect(crypto.createHash('sha256').update(verifier).digest('base64url')).toBe(authorize.searchParams.get('code_challenge'));
    expect(google.requests.some((r) => r.path === '/oauth2/v1/certs')).toBe(true);

    const res = await me(client);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email, displayName: 'Name new', timezone: 'Europe/Paris', hasPassword: false, hasGoogle: true });
    // Sign-in keeps no Google token: Calendar and Gmail are connected separately.
    const tokens = await queryRows(t.database.db, sql`select 1 from oauth_connections where user_id = ${res.body.user.id}`);
    expect(tokens).toEqual([]);
    expect((await client.get('/api/google')).body.connected).toBe(false);
    expect(await auditActions(client)).toContain('auth.google_signin');
    // The pre-session cookie is gone once signed in.
    expect(client.cookies.has('mcrm_google_signin')).toBe(false);
  });

  it('signs a linked Google account in to its account again; a new account without a time zone starts in UTC', async () => {
    const email = googleAccount('again');
    const first = new TestClient(t.app);
    expect((await signInWithGoogle(first, email)).headers.location).toBe('/sign-in?google=signed_in');
    const firstMe = await me(first);
    expect(firstMe.body.user.timezone).toBe('UTC');

    const second = new TestClient(t.app);
    expect((await signInWithGoogle(second, email)).headers.location).toBe('/sign-in?google=signed_in');
    expect((await me(second)).body.user.id).toBe(firstMe.body.user.id);
    expect(await usersWithEmail(email)).toHaveLength(1);
  });

  it('asks for the password of an existing account with the same email, and links only with it', async () => {
    const owner = await signUp(t.app, 'collide');
    google.addUser({ email: owner.email });
    const browser = new TestClient(t.app);
    const callback = await signInWithGoogle(browser, owner.email);
    expect(callback.headers.location).toBe('/sign-in/google');
    // Not signed in, nothing linked yet.
    expect((await me(browser)).status).toBe(401);
    expect((await usersWithEmail(owner.email))[0]!.google_sub).toBeNull();

    const pending = await browser.get('/api/auth/google/link');
    expect(pending.status, pending.text).toBe(200);
    expect(pending.body.email).toBe(owner.email);

    // Another browser cannot confirm it, even with the password.
    const stranger = new TestClient(t.app);
    const foreign = await stranger.post('/api/auth/google/link', { password: TEST_PASSWORD });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.message).toMatch(/Sign in with Google again/);

    const wrong = await browser.post('/api/auth/google/link', { password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('The password is incorrect.');
    expect((await browser.get('/api/auth/google/link')).status).toBe(200);
    expect((await me(browser)).status).toBe(401);

    const right = await browser.post('/api/auth/google/link', { password: TEST_PASSWORD });
    expect(right.status, right.text).toBe(200);
    expect(right.body.user).toMatchObject({ id: owner.userId, hasPassword: true, hasGoogle: true });
    expect((await me(browser)).body.user.id).toBe(owner.userId);
    expect((await usersWithEmail(owner.email))[0]!.google_sub).toBe(google.subOf(owner.email));
    expect(await auditActions(owner)).toEqual(expect.arrayContaining(['auth.google_linked', 'auth.google_signin', 'auth.sign_in_failed']));
    // Used once.
    expect((await browser.post('/api/auth/google/link', { password: TEST_PASSWORD })).status).toBe(404);

    // From now on Google signs in directly, and the password still works.
    const later = new TestClient(t.app);
    expect((await signInWithGoogle(later, owner.email)).headers.location).toBe('/sign-in?google=signed_in');
    expect((await me(later)).body.user.id).toBe(owner.userId);
    expect((await new TestClient(t.app).post('/api/auth/login', { email: owner.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('lets a pending link expire', async () => {
    const owner = await signUp(t.app, 'expire');
    google.addUser({ email: owner.email });
    const browser = new TestClient(t.app);
    expect((await signInWithGoogle(browser, owner.email)).headers.location).toBe('/sign-in/google');
    offsetMs = LIMITS.google.pendingLinkTtlMs + 1000;
    try {
      expect((await browser.get('/api/auth/google/link')).status).toBe(404);
      const late = await browser.post('/api/auth/google/link', { password: TEST_PASSWORD });
      expect(late.status).toBe(404);
      expect(late.body.error.message).toMatch(/expired/);
    } finally {
      offsetMs = 0;
    }
    expect((await me(browser)).status).toBe(401);
    expect((await usersWithEmail(owner.email))[0]!.google_sub).toBeNull();
  });

  it('limits password confirmations like password sign-in, on the same counters', async () => {
    const owner = await signUp(t.app, 'limit');
    google.addUser({ email: owner.email });
    const browser = new TestClient(t.app);
    await signInWithGoogle(browser, owner.email);
    for (let i = 0; i < LIMITS.login.perAccountAndIp; i++) {
      expect((await browser.post('/api/auth/google/link', { password: `wrong password ${i}` })).status).toBe(401);
    }
    const limited = await browser.post('/api/auth/google/link', { password: TEST_PASSWORD });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // The same counters as the sign-in form: this is no way around them.
    const login = await browser.post('/api/auth/login', { email: owner.email, password: TEST_PASSWORD });
    expect(login.status).toBe(429);
  });
});

describe('Sign in with Google refuses', () => {
  const refusedAs = (res: { status: number; headers: Record<string, unknown> }, reason: string) => {
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/sign-in?google=${reason}`);
  };

  it('a wrong state, and a state of another browser', async () => {
    const email = googleAccount('state');
    const client = new TestClient(t.app);
    google.authorizeAs(email);
    const back = new URL(await google.approve((await start(client)).toString()));
    refusedAs(await client.get(`/api/auth/google/callback?code=${back.searchParams.get('code')}&state=not-the-state`), 'expired');

    // A browser with a sign-in of its own in flight replays another browser's callback: refused (and spent).
    const mine = new TestClient(t.app);
    await start(mine);
    const other = new TestClient(t.app);
    google.authorizeAs(email);
    const otherBack = new URL(await google.approve((await start(other)).toString()));
    refusedAs(await mine.get(otherBack.pathname + otherBack.search), 'expired');
    refusedAs(await other.get(otherBack.pathname + otherBack.search), 'expired');
    expect(await usersWithEmail(email)).toEqual([]);

    // A fresh start in the same browser still works.
    expect((await signInWithGoogle(client, email)).headers.location).toBe('/sign-in?google=signed_in');
  });

  it('a state used once already, even with the cookie it was bound to', async () => {
    const email = googleAccount('reuse');
    const client = new TestClient(t.app);
    google.authorizeAs(email);
    const back = new URL(await google.approve((await start(client)).toString()));
    const url = back.pathname + back.search;
    const replayer = new TestClient(t.app);
    replayer.cookies = new Map(client.cookies);
    expect((await client.get(url)).headers.location).toBe('/sign-in?google=signed_in');
    refusedAs(await replayer.get(url), 'expired');
    expect((await me(replayer)).status).toBe(401);
  });

  it('a state older than its 10 minutes', async () => {
    const email = googleAccount('late');
    const client = new TestClient(t.app);
    google.authorizeAs(email);
    const back = new URL(await google.approve((await start(client)).toString()));
    offsetMs = LIMITS.google.stateTtlMs + 1000;
    try {
      refusedAs(await client.get(back.pathname + back.search), 'expired');
    } finally {
      offsetMs = 0;
    }
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('a state whose PKCE verifier is missing, without asking Google for tokens', async () => {
    const email = googleAccount('verifier');
    const client = new TestClient(t.app);
    google.authorizeAs(email);
    const authorize = await start(client);
    const state = authorize.searchParams.get('state')!;
    const stateHash = crypto.createHash('sha256').update(state).digest('hex');
    await queryRows(t.database.db, sql`update google_signin_states set code_verifier_enc = '' where state_hash = ${stateHash}`);
    const tokenCalls = google.requests.filter((r) => r.path === '/token').length;
    const back = new URL(await google.approve(authorize.toString()));
    refusedAs(await client.get(back.pathname + back.search), 'expired');
    expect(google.requests.filter((r) => r.path === '/token').length).toBe(tokenCalls);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('an email Google has not verified', async () => {
    const email = googleAccount('unverified', { emailVerified: false });
    const client = new TestClient(t.app);
    refusedAs(await signInWithGoogle(client, email), 'unverified');
    expect(await usersWithEmail(email)).toEqual([]);
    expect((await me(client)).status).toBe(401);
  });

  it('an unverified email that matches an existing account: no link is offered', async () => {
    const owner = await signUp(t.app, 'unverified-collide');
    google.addUser({ email: owner.email, emailVerified: false });
    const client = new TestClient(t.app);
    refusedAs(await signInWithGoogle(client, owner.email), 'unverified');
    expect((await client.get('/api/auth/google/link')).status).toBe(404);
  });

  it('an id_token for another audience or issuer, or without the nonce of this sign-in', async () => {
    const email = googleAccount('claims');
    for (const claims of [
      { aud: 'someone-else.apps.googleusercontent.com' },
      { iss: 'https://accounts.example.com' },
      { nonce: 'another' },
    ]) {
      google.setIdTokenClaims(claims);
      try {
        refusedAs(await signInWithGoogle(new TestClient(t.app), email), 'failed');
      } finally {
        google.setIdTokenClaims({});
      }
    }
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('an id_token signed with a key that is not in the certs', async () => {
    const email = googleAccount('forged');
    google.setForgedIdTokens(true);
    try {
      refusedAs(await signInWithGoogle(new TestClient(t.app), email), 'failed');
    } finally {
      google.setForgedIdTokens(false);
    }
    expect(await usersWithEmail(email)).toEqual([]);
    // The same account with a genuine token signs in.
    expect((await signInWithGoogle(new TestClient(t.app), email)).headers.location).toBe('/sign-in?google=signed_in');
  });

  it('a sign-in the user cancelled at Google', async () => {
    const email = googleAccount('denied');
    const client = new TestClient(t.app);
    const authorize = await start(client);
    refusedAs(await client.get(`/api/auth/google/callback?error=access_denied&state=${authorize.searchParams.get('state')}`), 'denied');
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('bad input: an unknown time zone, a link without a password', async () => {
    const client = new TestClient(t.app);
    const tz = await client.get('/api/auth/google?timezone=Mars/Olympus');
    expect(tz.status).toBe(400);
    expect(tz.body.error.message).toMatch(/IANA time zone/);
    expect((await client.post('/api/auth/google/link', {})).status).toBe(400);
  });
});

describe('sign-in providers', () => {
  it('offers Google only when GOOGLE_CLIENT_ID is set; without it the start says so', async () => {
    expect((await new TestClient(t.app).get('/api/auth/providers')).body).toEqual({ password: true, google: true });
    const plain = await createTestApp({}, t.database);
    try {
      const client = new TestClient(plain.app);
      expect((await client.get('/api/auth/providers')).body).toEqual({ password: true, google: false });
      const res = await client.get('/api/auth/google');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/sign-in?google=unavailable');
    } finally {
      await plain.close();
    }
  });

  it('counts starts against the address like password sign-ins', async () => {
    const client = new TestClient(t.app);
    for (let i = 0; i < LIMITS.login.perIp; i++) await start(client);
    const res = await client.get('/api/auth/google');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/sign-in?google=rate_limited');
  });
});
