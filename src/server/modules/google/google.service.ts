import type { Credentials, OAuth2Client } from 'google-auth-library';
import type { Config } from '../../config.js';
import { AppError, badRequest, conflict } from '../../platform/errors.js';
import { randomToken, sha256, type createCipher } from '../../platform/crypto.js';
import type { Actor } from '../../platform/http/types.js';
import { LIMITS } from '../../platform/limits.js';
import { recordAudit } from '../audit/audit.repo.js';
import type { GoogleRepo, ConnectionRow } from './google.repo.js';
import type { GoogleClients } from './google-clients.js';
import { classifyGoogleError, GoogleCallError } from './google-errors.js';
import type { GoogleCalendars, GoogleConnection } from '../../../shared/api/google.js';

const BASE_SCOPES = ['openid', 'email', 'profile'];
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.readonly';
const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.readonly';
/** The read scope each service needs; a service is on only when its scope was granted. */
const SERVICE_SCOPES: Record<string, string> = { calendar: CALENDAR_SCOPE, gmail: GMAIL_SCOPE, drive: DRIVE_SCOPE };

type Deps = {
  repo: GoogleRepo;
  config: Config['google'];
  clients: GoogleClients;
  cipher: ReturnType<typeof createCipher>;
  clock: () => Date;
  onChange: (userId: string) => Promise<void> | void;
};

const notConfigured = () =>
  new AppError('unavailable', 'Google is not configured on this server: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (README, "Google").');
const badState = () =>
  badRequest('This Google sign-in has expired, was already used, or was started in another browser. Start connecting Google again.');

/** The Google connection: OAuth with PKCE and a single-use state, encrypted tokens, refresh, revoke. */
export function createGoogleService({ repo, config, clients, cipher, clock, onChange }: Deps) {
  const open = (sealed: string | null) => (sealed ? cipher.open(sealed) : undefined);

  function view(row: ConnectionRow | undefined): GoogleConnection {
    if (!row)
      return {
        connected: false,
        status: null,
        email: null,
        services: { calendar: false, gmail: false, drive: false },
        calendarIds: [],
        connectedAt: null,
      };
    return {
      connected: true,
      status: row.status === 'needs_reconnect' ? 'needs_reconnect' : 'active',
      email: row.accountEmail,
      services: {
        calendar: row.services.includes('calendar'),
        gmail: row.services.includes('gmail'),
        drive: row.services.includes('drive'),
      },
      calendarIds: row.calendarIds,
      connectedAt: row.createdAt.toISOString(),
    };
  }

  /** Marks the grant dead: no call is made for this user until they reconnect. */
  async function markNeedsReconnect(userId: string) {
    await repo.update(userId, { status: 'needs_reconnect' }, clock());
  }

  /**
   * An OAuth client holding the user's tokens, refreshed first when the access token expires within
   * the margin (the new one is persisted before any call). Refuses, without calling Google, a
   * connection that needs reconnecting; `invalid_grant` on refresh marks it so.
   */
  async function authorized(userId: string): Promise<{ client: OAuth2Client; connection: ConnectionRow }> {
    if (!config.clientId) throw notConfigured();
    const connection = await repo.find(userId);
    if (!connection) throw new GoogleCallError('auth_revoked', 'Google is not connected.');
    if (connection.status === 'needs_reconnect') {
      throw new GoogleCallError('auth_revoked', 'Google no longer accepts the connection. Reconnect Google on the Integrations page.');
    }
    const client = await clients.oauth();
    const refreshToken = open(connection.refreshTokenEnc);
    client.setCredentials({
      access_token: open(connection.accessTokenEnc),
      refresh_token: refreshToken,
      expiry_date: connection.expiresAt?.getTime(),
    });
    const expiresAt = connection.expiresAt?.getTime() ?? 0;
    if (expiresAt - clock().getTime() < LIMITS.google.refreshMarginMs) {
      if (!refreshToken) {
        await markNeedsReconnect(userId);
        throw new GoogleCallError('auth_revoked', 'Google gave no refresh token. Reconnect Google on the Integrations page.');
      }
      let fresh: Credentials;
      try {
        fresh = (await client.refreshAccessToken()).credentials;
      } catch (err) {
        const failure = classifyGoogleError(err);
        if (failure.kind === 'auth_revoked') await markNeedsReconnect(userId);
        throw failure;
      }
      await repo.update(
        userId,
        {
          accessTokenEnc: fresh.access_token ? cipher.seal(fresh.access_token) : null,
          refreshTokenEnc: fresh.refresh_token ? cipher.seal(fresh.refresh_token) : connection.refreshTokenEnc,
          expiresAt: fresh.expiry_date ? new Date(fresh.expiry_date) : null,
        },
        clock(),
      );
      client.setCredentials({ ...fresh, refresh_token: fresh.refresh_token ?? refreshToken });
    }
    return { client, connection };
  }

  return {
    authorized,
    markNeedsReconnect,

    /** Starts the authorization code flow: a state bound to this session, a PKCE verifier kept server side. */
    async start(actor: Actor, options: { calendar: boolean; gmail: boolean; drive: boolean }, redirectUri: string): Promise<string> {
      if (!config.clientId || !config.clientSecret) throw notConfigured();
      const existing = await repo.find(actor.userId);
      const services = new Set(existing?.services ?? []);
      if (options.calendar) services.add('calendar');
      if (options.gmail) services.add('gmail');
      if (options.drive) services.add('drive');
      const client = await clients.oauth(redirectUri);
      const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
      const state = randomToken();
      await repo.saveState(
        {
          stateHash: sha256(state),
          userId: actor.userId,
          sessionIdHash: actor.sessionIdHash,
          codeVerifierEnc: cipher.seal(codeVerifier),
          services: [...services],
          expiresAt: new Date(clock().getTime() + LIMITS.google.stateTtlMs),
        },
        clock(),
      );
      const scope = [...BASE_SCOPES, ...[...services].flatMap((s) => (SERVICE_SCOPES[s] ? [SERVICE_SCOPES[s]] : []))];
      return client.generateAuthUrl({
        access_type: 'offline',
        prompt: 'consent',
        include_granted_scopes: true,
        scope,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256' as never,
      });
    },

    /**
     * Google's redirect back: takes the state (once), checks it belongs to this session, exchanges
     * the code with the PKCE verifier, reads who signed in, and stores the tokens sealed.
     */
    async callback(
      actor: Actor,
      query: { state?: string; code?: string; error?: string },
      redirectUri: string,
    ): Promise<'connected' | 'denied'> {
      if (!config.clientId || !config.clientSecret) throw notConfigured();
      if (!query.state) throw badState();
      const saved = await repo.takeState(sha256(query.state));
      if (!saved || saved.userId !== actor.userId || saved.sessionIdHash !== actor.sessionIdHash || saved.expiresAt < clock())
        throw badState();
      if (query.error) return 'denied';
      if (!query.code) throw badRequest('Google sent no authorization code. Start connecting Google again.');
      const codeVerifier = cipher.open(saved.codeVerifierEnc);
      if (!codeVerifier) throw badState();
      const client = await clients.oauth(redirectUri, { isCodeExchange: true });
      let tokens: Credentials;
      let info: { sub: string; email?: string; email_verified?: boolean };
      try {
        tokens = (await client.getToken({ code: query.code, codeVerifier, redirect_uri: redirectUri })).tokens;
        client.setCredentials(tokens);
        info = (
          await client.request<{ sub: string; email?: string; email_verified?: boolean }>({ url: `${config.apiUrl}/oauth2/v3/userinfo` })
        ).data;
      } catch (err) {
        const failure = classifyGoogleError(err);
        if (failure.kind === 'temporary') throw new AppError('unavailable', 'Google did not answer. Try connecting again in a minute.');
        throw badRequest('Google refused the sign-in. Start connecting Google again.');
      }
      if (!tokens.access_token || !info.sub) throw badRequest('Google refused the sign-in. Start connecting Google again.');
      const existing = await repo.find(actor.userId);
      const now = clock();
      const scopes = (tokens.scope ?? '').split(' ').filter(Boolean);
      // With granular consent the user may untick Calendar: a service is on only when its scope was granted.
      const services = saved.services.filter((s) => !SERVICE_SCOPES[s] || scopes.includes(SERVICE_SCOPES[s]));
      await repo.transaction(async (tx) => {
        await repo.upsert(
          tx,
          actor.userId,
          {
            providerAccountId: info.sub,
            accountEmail: info.email_verified === false ? null : (info.email ?? null),
            scopes,
            accessTokenEnc: cipher.seal(tokens.access_token!),
            // Google sends a refresh token with prompt=consent; keep the one we had otherwise.
            refreshTokenEnc: tokens.refresh_token ? cipher.seal(tokens.refresh_token) : (existing?.refreshTokenEnc ?? null),
            expiresAt: tokens.expiry_date ? new Date(tokens.expiry_date) : null,
            services,
          },
          now,
        );
        await recordAudit(tx, {
          userId: actor.userId,
          action: 'google.connected',
          entityType: 'google',
          details: { services, reconnected: !!existing },
        });
      });
      await onChange(actor.userId);
      return 'connected';
    },

    async status(actor: Actor): Promise<GoogleConnection> {
      return view(await repo.find(actor.userId));
    },

    /**
     * For account deletion (the tokens go with the account's rows): read the grant before deleting,
     * then `revoke` it at Google after the account is gone. Best effort, like disconnect.
     */
    async grantOf(userId: string): Promise<string | undefined> {
      const connection = await repo.find(userId);
      return connection ? (open(connection.refreshTokenEnc) ?? open(connection.accessTokenEnc)) : undefined;
    },
    async revoke(token: string | undefined): Promise<void> {
      if (!token || !config.clientId) return;
      await (await clients.oauth()).revokeToken(token).catch(() => undefined);
    },

    /** Revokes the grant at Google (best effort: a grant Google already dropped is gone anyway) and deletes the tokens. */
    async disconnect(actor: Actor): Promise<void> {
      const connection = await repo.find(actor.userId);
      if (!connection) return;
      const token = open(connection.refreshTokenEnc) ?? open(connection.accessTokenEnc);
      let revoked = false;
      if (token && config.clientId) {
        try {
          await (await clients.oauth()).revokeToken(token);
          revoked = true;
        } catch {
          revoked = false;
        }
      }
      await repo.transaction(async (tx) => {
        await repo.remove(tx, actor.userId);
        await recordAudit(tx, {
          userId: actor.userId,
          action: 'google.disconnected',
          entityType: 'google',
          details: { revokedAtGoogle: revoked },
        });
      });
      await onChange(actor.userId);
    },

    /** The user's Google calendars, with the ones chosen for sync marked. */
    async calendars(actor: Actor): Promise<GoogleCalendars> {
      const connection = await repo.find(actor.userId);
      if (!connection?.services.includes('calendar')) throw conflict('Turn Calendar on first: connect Google with Calendar.');
      const items = await listCalendars(actor.userId);
      const chosen = new Set(connection.calendarIds.length ? connection.calendarIds : items.filter((c) => c.primary).map((c) => c.id));
      return { items: items.map((c) => ({ ...c, selected: chosen.has(c.id) })) };
    },

    async selectCalendars(actor: Actor, calendarIds: string[]): Promise<GoogleCalendars> {
      const connection = await repo.find(actor.userId);
      if (!connection?.services.includes('calendar')) throw conflict('Turn Calendar on first: connect Google with Calendar.');
      const items = await listCalendars(actor.userId);
      const known = new Set(items.map((c) => c.id));
      const unknown = calendarIds.filter((id) => !known.has(id));
      if (unknown.length)
        throw badRequest('Some calendars are not in your Google account. Pick calendars from GET /api/google/calendars.', { unknown });
      const ids = [...new Set(calendarIds)];
      await repo.update(actor.userId, { calendarIds: ids }, clock());
      const chosen = new Set(ids);
      return { items: items.map((c) => ({ ...c, selected: chosen.has(c.id) })) };
    },
  };

  async function listCalendars(userId: string): Promise<{ id: string; summary: string; primary: boolean }[]> {
    try {
      const { client } = await authorized(userId);
      const calendar = await clients.calendar(client);
      const res = await calendar.calendarList.list({ maxResults: 250 });
      return (res.data.items ?? []).map((c) => ({ id: c.id ?? '', summary: c.summary ?? '', primary: !!c.primary })).filter((c) => c.id);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const failure = classifyGoogleError(err);
      if (failure.kind === 'auth_revoked') {
        await markNeedsReconnect(userId);
        throw conflict('Google no longer accepts the connection. Reconnect Google.');
      }
      throw new AppError('unavailable', 'Google did not answer. Try again in a minute.');
    }
  }
}
export type GoogleService = ReturnType<typeof createGoogleService>;
