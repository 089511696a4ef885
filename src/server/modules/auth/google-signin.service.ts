import type { OAuth2Client, TokenPayload } from 'google-auth-library';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import { randomToken, sha256, verifyPassword, type createCipher } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import type { GoogleClients } from '../google/google-clients.js';
import { classifyGoogleError } from '../google/google-errors.js';
import type { GoogleSigninRefusal } from '../../../shared/api/auth.js';
import type { DeviceTokens } from './device-tokens.js';
import type { GoogleSigninRepo } from './google-signin.repo.js';
import type { SessionMeta, SessionStore } from './session-store.js';
import type { UserRow, UsersRepo } from './users.repo.js';
import { loginAddressCheck, loginAttemptChecks, loginAttemptKeys } from './login-limits.js';

/** Sign-in asks Google who the user is, nothing more: no Calendar, no Gmail, no offline access. */
const SIGNIN_SCOPES = ['openid', 'email', 'profile'];

type Deps = {
  repo: GoogleSigninRepo;
  users: UsersRepo;
  sessions: SessionStore;
  limiter: RateLimiter;
  devices: DeviceTokens;
  google: Config['google'];
  clients: GoogleClients;
  cipher: ReturnType<typeof createCipher>;
  clock: () => Date;
  onChange: (userId: string) => Promise<void> | void;
};

/** What the browser holds across the round trip: the hash of this cookie binds the state (and a pending link) to it. */
type Browser = { token: string | undefined; meta: SessionMeta; previousSession?: string; deviceCookie?: string };

export type SigninOutcome =
  | { kind: 'signed_in'; token: string; deviceCookie: string }
  | { kind: 'confirm_password'; linkToken: string }
  | { kind: 'refused'; reason: GoogleSigninRefusal };

class Refused extends Error {
  constructor(readonly reason: GoogleSigninRefusal) {
    super(reason);
  }
}

const linkExpired = () =>
  new AppError('not_found', 'This Google sign-in is no longer waiting for a password (it expired or was used). Sign in with Google again.');

/**
 * "Sign in with Google": OAuth code flow with PKCE, a single-use state bound to a pre-session
 * cookie, and an id_token checked against Google's keys. A Google account signs in to the account
 * it is linked to; an unknown verified email gets a new account; an email that already has a
 * password account is linked only after that password is typed. No Google token is kept.
 */
export function createGoogleSigninService(deps: Deps) {
  const { repo, users, sessions, limiter, devices, google, clients, cipher, clock, onChange } = deps;
  const isConfigured = () => !!google.clientId && !!google.clientSecret;
  // One client verifies every id_token, so Google's keys are fetched once per their max-age.
  let verifier: Promise<OAuth2Client> | undefined;

  async function signIn(user: UserRow, browser: Browser, details: Record<string, unknown>) {
    if (browser.previousSession) {
      const previous = await sessions.get(browser.previousSession);
      if (previous) await sessions.destroy(previous.idHash);
    }
    const { token } = await sessions.create(user.id, browser.meta);
    await users.audit({
      userId: user.id,
      action: 'auth.google_signin',
      entityType: 'account',
      entityId: user.id,
      ip: browser.meta.ip,
      details,
    });
    return { token, deviceCookie: devices.remember(user.email, browser.deviceCookie) };
  }

  /** Exchanges the code (with the PKCE verifier) and checks the id_token: signature, audience, issuer, expiry, nonce. */
  async function identify(code: string, codeVerifier: string, nonce: string, redirectUri: string): Promise<TokenPayload> {
    let payload: TokenPayload | undefined;
    try {
      const client = await clients.oauth(redirectUri, { isCodeExchange: true });
      const { tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri });
      if (!tokens.id_token) throw new Refused('failed');
      verifier ??= clients.oauth();
      const ticket = await (await verifier).verifyIdToken({ idToken: tokens.id_token, audience: google.clientId! });
      payload = ticket.getPayload();
    } catch (err) {
      if (err instanceof Refused) throw err;
      const failure = classifyGoogleError(err);
      throw new Refused(failure.kind === 'temporary' ? 'unavailable' : 'failed');
    }
    if (!payload?.sub || payload.nonce !== nonce) throw new Refused('failed');
    if (payload.email_verified !== true || !payload.email) throw new Refused('unverified');
    return payload;
  }

  async function complete(payload: TokenPayload, timezone: string | null, browser: Browser): Promise<SigninOutcome> {
    const linked = await users.findByGoogleSub(payload.sub);
    if (linked) return { kind: 'signed_in', ...(await signIn(linked, browser, { created: false })) };
    const email = payload.email!.trim().toLowerCase();
    const existing = await users.findByEmail(email);
    if (existing) {
      // Another Google account is linked to it already: that one signs in, this one cannot take over.
      if (existing.googleSub) throw new Refused('other_google');
      const linkToken = randomToken();
      await repo.savePendingLink(
        {
          idHash: sha256(linkToken),
          userId: existing.id,
          googleSub: payload.sub,
          expiresAt: new Date(clock().getTime() + LIMITS.google.pendingLinkTtlMs),
        },
        clock(),
      );
      return { kind: 'confirm_password', linkToken };
    }
    const created = await users.insert({
      email,
      passwordHash: null,
      displayName: (payload.name ?? '').trim().slice(0, LIMITS.text.name) || email.split('@')[0]!,
      googleSub: payload.sub,
      ...(timezone ? { timezone } : {}),
    });
    // Taken meanwhile (the same email or Google account signing up twice at once): start again.
    if (!created) throw new Refused('failed');
    await onChange(created.id);
    return { kind: 'signed_in', ...(await signIn(created, browser, { created: true })) };
  }

  return {
    isConfigured,

    /** The URL of Google's consent page, and the pre-session cookie the state is bound to. */
    async start(input: { timezone?: string }, meta: SessionMeta, redirectUri: string): Promise<{ url: string; browserToken: string }> {
      if (!isConfigured())
        throw new AppError('unavailable', 'Sign in with Google is not set up on this server. Sign in with your email and password.');
      // Counted as sign-in attempts from this address, as password sign-ins are (each start writes a row).
      await limiter.consume(loginAddressCheck(meta.ip), 'sign-in attempts');
      const client = await clients.oauth(redirectUri);
      const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
      const state = randomToken();
      const nonce = randomToken(16);
      const browserToken = randomToken();
      await repo.saveState(
        {
          stateHash: sha256(state),
          browserHash: sha256(browserToken),
          codeVerifierEnc: cipher.seal(codeVerifier),
          nonce,
          timezone: input.timezone ?? null,
          expiresAt: new Date(clock().getTime() + LIMITS.google.stateTtlMs),
        },
        clock(),
      );
      const url = client.generateAuthUrl({
        access_type: 'online',
        prompt: 'select_account',
        scope: SIGNIN_SCOPES,
        state,
        nonce,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as never,
      } as Parameters<OAuth2Client['generateAuthUrl']>[0]);
      return { url, browserToken };
    },

    /**
     * Google's redirect back. The state is taken (once) and must belong to this browser; then the
     * code is exchanged and the id_token verified; then sign in, create, or ask for the password.
     */
    async callback(
      query: { state?: string; code?: string; error?: string },
      browser: Browser,
      redirectUri: string,
    ): Promise<SigninOutcome> {
      try {
        if (!isConfigured()) throw new Refused('unavailable');
        const saved = query.state ? await repo.takeState(sha256(query.state)) : undefined;
        if (!saved || !browser.token || saved.browserHash !== sha256(browser.token) || saved.expiresAt < clock())
          throw new Refused('expired');
        if (query.error) throw new Refused('denied');
        const codeVerifier = cipher.open(saved.codeVerifierEnc);
        if (!codeVerifier || !query.code) throw new Refused('expired');
        const payload = await identify(query.code, codeVerifier, saved.nonce, redirectUri);
        return await complete(payload, saved.timezone, browser);
      } catch (err) {
        if (err instanceof Refused) return { kind: 'refused', reason: err.reason };
        throw err;
      }
    },

    /** The account waiting for its password in this browser. */
    async pendingLink(linkToken: string | undefined): Promise<{ email: string; expiresAt: string }> {
      const link = linkToken ? await repo.findPendingLink(sha256(linkToken), clock()) : undefined;
      const user = link ? await users.findById(link.userId) : undefined;
      if (!link || !user) throw linkExpired();
      return { email: user.email, expiresAt: link.expiresAt.toISOString() };
    },

    /**
     * The password of the existing account confirms the link: limited like password sign-in (same
     * counters, so this is no way around them). A wrong password leaves the link pending until it expires.
     */
    async confirmLink(linkToken: string | undefined, password: string, browser: Browser) {
      const idHash = linkToken ? sha256(linkToken) : undefined;
      const link = idHash ? await repo.findPendingLink(idHash, clock()) : undefined;
      const user = link ? await users.findById(link.userId) : undefined;
      if (!idHash || !link || !user) throw linkExpired();
      const keys = loginAttemptKeys('login', user.email, browser.meta.ip);
      await limiter.consume(loginAttemptChecks(keys, devices.isKnown(user.email, browser.deviceCookie)), 'sign-in attempts');
      if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
        await users.audit({
          userId: user.id,
          action: 'auth.sign_in_failed',
          entityType: 'account',
          entityId: user.id,
          ip: browser.meta.ip,
        });
        throw new AppError('unauthenticated', 'The password is incorrect.', { field: 'password' });
      }
      await limiter.reset(keys.pair);
      if (!(await repo.takePendingLink(idHash, clock()))) throw linkExpired();
      const isLinked = await users.linkGoogle(user.id, link.googleSub, clock(), {
        userId: user.id,
        action: 'auth.google_linked',
        entityType: 'account',
        entityId: user.id,
        ip: browser.meta.ip,
      });
      if (!isLinked) throw new AppError('conflict', 'This account was linked to a Google account meanwhile. Sign in with Google again.');
      await onChange(user.id);
      const linked = { ...user, googleSub: link.googleSub };
      return { user: linked, ...(await signIn(linked, browser, { created: false, linked: true })) };
    },
  };
}
