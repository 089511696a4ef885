import crypto from 'node:crypto';
import { startFakeServer, type RecordedRequest, type FakeReply } from './fake-server.js';
import { chooserPage, createIdTokenSigner } from './fake-google-identity.js';

/**
 * A fake Google on the fake-server kit: OAuth (authorize, token with PKCE, refresh, revoke),
 * OpenID Connect (RS256 id_tokens with sub, email, email_verified and the request's nonce, signed
 * with a key made at start; the keys at /oauth2/v1/certs and /oauth2/v3/certs; an account chooser
 * for sign-ins with `accountChooser`), userinfo, calendarList and events (pages, sync tokens, 410
 * on a stale token, cancellations, recurring instances), Gmail (messages, history) and Drive
 * (files.list, files.get?alt=media, files.export, changes.getStartPageToken, changes.list, 410 on an
 * expired token). Each user's data is reached only through that user's access token, and
 * every request is recorded (`fake.requests`), so a test can check whose token each call carried.
 *
 *   const google = await startFakeGoogle();
 *   google.addUser({ email: 'a@gmail.test' });
 *   google.authorizeAs('a@gmail.test');            // who "signs in" at the next authorize
 *   env: google.env()   (GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL, GOOGLE_API_URL, GOOGLE_CERTS_URL)
 */

export type FakeEvent = {
  id: string;
  status?: 'confirmed' | 'cancelled';
  summary?: string;
  description?: string;
  location?: string;
  start: { dateTime?: string; date?: string };
  end?: { dateTime?: string; date?: string };
  attendees?: { email: string; displayName?: string; responseStatus?: string }[];
  organizer?: { email: string; self?: boolean };
  recurringEventId?: string;
  conferenceData?: { entryPoints?: { entryPointType: string; uri: string }[] };
};

type StoredEvent = FakeEvent & { seq: number };

/** A Gmail message as a test writes it; the fake serves it as Gmail does (format=full, base64url bodies). */
export type FakeMessage = {
  id: string;
  threadId?: string;
  from: string;
  to?: string[];
  cc?: string[];
  subject?: string;
  date: string;
  labelIds?: string[];
  listUnsubscribe?: string;
  text?: string;
  html?: string;
};
type StoredMessage = FakeMessage & { historyId: number };

/** A Drive file as a test writes it: bytes (PDF, DOCX, text) or, for a Google Doc, the text it exports. */
export type FakeFile = { id: string; name: string; mimeType: string; content: string | Buffer; modifiedTime?: string };
type StoredFile = FakeFile & { seq: number; version: number; trashed: boolean; deleted: boolean };
const GOOGLE_DOC = 'application/vnd.google-apps.document';
type FakeUser = {
  sub: string;
  email: string;
  name: string;
  emailVerified: boolean;
  calendars: Map<string, { summary: string; primary: boolean; events: Map<string, StoredEvent> }>;
  /** Sync tokens issued before this sequence number answer 410. */
  tokensValidFrom: number;
  messages: Map<string, StoredMessage>;
  /** History ids before this answer 404 (expired). */
  historyValidFrom: number;
  files: Map<string, StoredFile>;
  /** Drive changes tokens before this answer 410 (expired). */
  changesValidFrom: number;
};
type Grant = { email: string; scopes: string[]; refreshToken: string; revoked: boolean };

export type FakeGoogle = Awaited<ReturnType<typeof startFakeGoogle>>;

const CLIENT_ID = 'fake-client-id.apps.googleusercontent.test';
const CLIENT_SECRET = 'fake-client-secret';

export async function startFakeGoogle(options: { pageSize?: number; accountChooser?: boolean } = {}) {
  const fake = await startFakeServer();
  const signer = createIdTokenSigner();
  const users = new Map<string, FakeUser>();
  const codes = new Map<
    string,
    { email: string; scopes: string[]; challenge: string; redirectUri: string; nonce?: string; used: boolean }
  >();
  const grants = new Map<string, Grant>(); // by refresh token
  const accessTokens = new Map<string, { grant: Grant; expiresAt: number }>();
  let seq = 0;
  let nextEmail: string | undefined;
  let nextDenied: string[] = [];
  let accessTtlSeconds = 3600;
  let idTokenOverrides: Record<string, unknown> = {};
  let forgeIdTokens = false;
  const pageSize = options.pageSize ?? 50;

  const oauthError = (status: number, error: string, description = error): FakeReply => ({
    status,
    json: { error, error_description: description },
  });
  const apiError = (status: number, reason: string, message: string): FakeReply => ({
    status,
    json: { error: { code: status, message, errors: [{ reason, message, domain: 'global' }] } },
  });

  function bearer(req: RecordedRequest): { user: FakeUser; grant: Grant } | undefined {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const entry = token ? accessTokens.get(token) : undefined;
    if (!entry || entry.grant.revoked || entry.expiresAt < Date.now()) return undefined;
    const user = users.get(entry.grant.email);
    return user ? { user, grant: entry.grant } : undefined;
  }
  const unauthorized = () => apiError(401, 'authError', 'Invalid Credentials');

  function issueAccess(grant: Grant) {
    const token = `ya29.${crypto.randomBytes(12).toString('hex')}`;
    accessTokens.set(token, { grant, expiresAt: Date.now() + accessTtlSeconds * 1000 });
    return token;
  }

  const html = (body: string, status = 200): FakeReply => ({ status, body, headers: { 'content-type': 'text/html; charset=utf-8' } });

  /** A Google account; its `sub` derives from the address, so it stays the same across fake restarts (dev mode). */
  function addUser(u: { email: string; name?: string; emailVerified?: boolean; calendars?: string[] }) {
    const calendars = new Map<string, { summary: string; primary: boolean; events: Map<string, StoredEvent> }>();
    for (const [i, id] of (u.calendars ?? ['primary']).entries()) {
      calendars.set(id, { summary: id, primary: i === 0, events: new Map() });
      fake.route('GET', `/calendar/v3/calendars/${encodeURIComponent(id)}/events`, eventsRoute(id));
    }
    users.set(u.email, {
      sub: `1${BigInt(`0x${crypto.createHash('sha256').update(u.email).digest('hex').slice(0, 15)}`)
        .toString()
        .padStart(20, '0')}`,
      email: u.email,
      name: u.name ?? u.email.split('@')[0]!,
      emailVerified: u.emailVerified ?? true,
      calendars,
      tokensValidFrom: 0,
      messages: new Map(),
      historyValidFrom: 0,
      files: new Map(),
      changesValidFrom: 0,
    });
  }

  /** Google's answer to an approved authorize request: a code for `email`, sent back to the app. */
  function approveAs(email: string, q: Record<string, string>): FakeReply {
    const code = `code-${crypto.randomBytes(8).toString('hex')}`;
    codes.set(code, {
      email,
      scopes: String(q.scope ?? '')
        .split(' ')
        .filter((scope) => scope && !nextDenied.includes(scope)),
      challenge: q.code_challenge!,
      redirectUri: String(q.redirect_uri),
      nonce: q.nonce,
      used: false,
    });
    const back = new URL(String(q.redirect_uri));
    back.searchParams.set('code', code);
    back.searchParams.set('state', String(q.state ?? ''));
    return { status: 302, headers: { location: back.toString() } };
  }

  fake.route('GET', '/o/oauth2/v2/auth', (req) => {
    const q = req.query;
    if (q.client_id !== CLIENT_ID) return oauthError(400, 'invalid_client');
    if (!q.code_challenge || q.code_challenge_method !== 'S256') return oauthError(400, 'invalid_request', 'PKCE required');
    // Sign-in (prompt=select_account) shows Google's account chooser when the fake runs for people (dev, browser tests).
    if (options.accountChooser && String(q.prompt ?? '').includes('select_account')) return html(chooserPage(q, [...users.keys()]));
    if (!nextEmail || !users.has(nextEmail)) return oauthError(400, 'access_denied');
    return approveAs(nextEmail, q);
  });

  /** The account chooser's form: a known account, or any other address (a new Google account, email verified). */
  fake.route('POST', '/o/oauth2/v2/auth/choose', (req) => {
    const form = Object.fromEntries(new URLSearchParams(req.text));
    const q = JSON.parse(form.request ?? '{}') as Record<string, string>;
    const email = String(form.email ?? '')
      .trim()
      .toLowerCase();
    if (!email.includes('@')) return html(chooserPage(q, [...users.keys()], 'Enter an email address.'), 400);
    if (!users.has(email)) addUser({ email });
    return approveAs(email, q);
  });

  fake.route('GET', '/oauth2/v1/certs', () => ({ json: signer.pemCerts(), headers: { 'cache-control': 'public, max-age=3600' } }));
  fake.route('GET', '/oauth2/v3/certs', () => ({ json: signer.jwks(), headers: { 'cache-control': 'public, max-age=3600' } }));

  fake.route('POST', '/token', (req) => {
    const form = Object.fromEntries(new URLSearchParams(req.text));
    if (form.client_id !== CLIENT_ID || form.client_secret !== CLIENT_SECRET) return oauthError(401, 'invalid_client');
    if (form.grant_type === 'authorization_code') {
      const code = codes.get(form.code ?? '');
      if (!code || code.used) return oauthError(400, 'invalid_grant', 'Malformed auth code.');
      code.used = true;
      if (form.redirect_uri !== code.redirectUri) return oauthError(400, 'redirect_uri_mismatch');
      if (!form.code_verifier) return oauthError(400, 'invalid_request', 'Missing code verifier.');
      const challenge = crypto.createHash('sha256').update(form.code_verifier).digest('base64url');
      if (challenge !== code.challenge) return oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      const grant: Grant = {
        email: code.email,
        scopes: code.scopes,
        refreshToken: `1//${crypto.randomBytes(12).toString('hex')}`,
        revoked: false,
      };
      grants.set(grant.refreshToken, grant);
      const user = users.get(code.email)!;
      return {
        json: {
          access_token: issueAccess(grant),
          refresh_token: grant.refreshToken,
          expires_in: accessTtlSeconds,
          scope: grant.scopes.join(' '),
          token_type: 'Bearer',
          ...(grant.scopes.includes('openid')
            ? {
                id_token: signer.sign(
                  {
                    iss: 'https://accounts.google.com',
                    aud: CLIENT_ID,
                    azp: CLIENT_ID,
                    sub: user.sub,
                    email: user.email,
                    email_verified: user.emailVerified,
                    name: user.name,
                    ...(code.nonce ? { nonce: code.nonce } : {}),
                    ...idTokenOverrides,
                  },
                  { forged: forgeIdTokens },
                ),
              }
            : {}),
        },
      };
    }
    if (form.grant_type === 'refresh_token') {
      const grant = grants.get(form.refresh_token ?? '');
      if (!grant || grant.revoked) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      return {
        json: { access_token: issueAccess(grant), expires_in: accessTtlSeconds, scope: grant.scopes.join(' '), token_type: 'Bearer' },
      };
    }
    return oauthError(400, 'unsupported_grant_type');
  });

  fake.route('POST', '/revoke', (req) => {
    const token = req.query.token ?? new URLSearchParams(req.text).get('token') ?? '';
    const grant = grants.get(token) ?? accessTokens.get(token)?.grant;
    if (!grant) return oauthError(400, 'invalid_token');
    grant.revoked = true;
    return { json: {} };
  });

  fake.route('GET', '/oauth2/v3/userinfo', (req) => {
    const who = bearer(req);
    if (!who) return unauthorized();
    const { user } = who;
    return { json: { sub: user.sub, email: user.email, email_verified: user.emailVerified, name: user.name } };
  });

  fake.route('GET', '/calendar/v3/users/me/calendarList', (req) => {
    const who = bearer(req);
    if (!who) return unauthorized();
    if (!who.grant.scopes.some((s) => s.includes('calendar'))) return apiError(403, 'insufficientPermissions', 'Insufficient Permission');
    const items = [...who.user.calendars].map(([id, c]) => ({ id, summary: c.summary, primary: c.primary, accessRole: 'owner' }));
    return { json: { kind: 'calendar#calendarList', items } };
  });

  function eventsRoute(calendarId: string) {
    return (req: RecordedRequest): FakeReply => {
      const who = bearer(req);
      if (!who) return unauthorized();
      const calendar = who.user.calendars.get(calendarId);
      if (!calendar) return apiError(404, 'notFound', 'Not Found');
      const q = req.query;
      let since = -1;
      let offset = 0;
      let upTo = seq;
      if (q.pageToken) {
        const m = /^p:(-?\d+):(\d+):(\d+)$/.exec(q.pageToken);
        if (!m) return apiError(400, 'invalid', 'Invalid page token');
        since = Number(m[1]);
        upTo = Number(m[2]);
        offset = Number(m[3]);
      } else if (q.syncToken) {
        const m = /^s:(\d+)$/.exec(q.syncToken);
        if (!m || Number(m[1]) < who.user.tokensValidFrom)
          return apiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
        since = Number(m[1]);
      }
      const incremental = since >= 0;
      const all = [...calendar.events.values()]
        .filter((e) => e.seq > since && e.seq <= upTo && (incremental || e.status !== 'cancelled' || q.showDeleted === 'true'))
        .sort((a, b) => a.seq - b.seq);
      const size = Math.min(Number(q.maxResults) || pageSize, pageSize);
      const page = all.slice(offset, offset + size);
      const more = offset + size < all.length;
      const items = page.map(({ seq: _seq, ...e }) => ({ kind: 'calendar#event', status: 'confirmed', ...e }));
      return {
        json: {
          kind: 'calendar#events',
          items,
          ...(more ? { nextPageToken: `p:${since}:${upTo}:${offset + size}` } : { nextSyncToken: `s:${upTo}` }),
        },
      };
    };
  }

  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
  function gmailAuth(req: RecordedRequest): { user: FakeUser } | FakeReply {
    const who = bearer(req);
    if (!who) return unauthorized();
    if (!who.grant.scopes.some((s) => s.includes('gmail'))) return apiError(403, 'insufficientPermissions', 'Insufficient Permission');
    return who;
  }
  const full = (m: StoredMessage) => {
    const headers = [
      { name: 'From', value: m.from },
      ...(m.to?.length ? [{ name: 'To', value: m.to.join(', ') }] : []),
      ...(m.cc?.length ? [{ name: 'Cc', value: m.cc.join(', ') }] : []),
      { name: 'Subject', value: m.subject ?? '' },
      { name: 'Date', value: new Date(m.date).toUTCString() },
      ...(m.listUnsubscribe ? [{ name: 'List-Unsubscribe', value: m.listUnsubscribe }] : []),
    ];
    const parts = [
      ...(m.text !== undefined ? [{ partId: '0', mimeType: 'text/plain', body: { size: m.text.length, data: b64(m.text) } }] : []),
      ...(m.html !== undefined ? [{ partId: '1', mimeType: 'text/html', body: { size: m.html.length, data: b64(m.html) } }] : []),
    ];
    return {
      id: m.id,
      threadId: m.threadId ?? m.id,
      labelIds: m.labelIds ?? ['INBOX'],
      snippet: (m.text ?? '').slice(0, 100),
      historyId: String(m.historyId),
      internalDate: String(new Date(m.date).getTime()),
      payload: { mimeType: 'multipart/alternative', headers, parts },
    };
  };

  fake.route('GET', '/gmail/v1/users/me/profile', (req) => {
    const who = gmailAuth(req);
    if (!('user' in who)) return who;
    return { json: { emailAddress: who.user.email, historyId: String(seq), messagesTotal: who.user.messages.size } };
  });

  fake.route('GET', '/gmail/v1/users/me/messages', (req) => {
    const who = gmailAuth(req);
    if (!('user' in who)) return who;
    const after = /after:(\d+)/.exec(String(req.query.q ?? ''))?.[1];
    const all = [...who.user.messages.values()]
      .filter((m) => !after || new Date(m.date).getTime() / 1000 > Number(after))
      .sort((a, b) => b.date.localeCompare(a.date));
    const offset = Number(req.query.pageToken ?? 0);
    const size = Math.min(Number(req.query.maxResults) || pageSize, pageSize);
    const page = all.slice(offset, offset + size);
    return {
      json: {
        messages: page.map((m) => ({ id: m.id, threadId: m.threadId ?? m.id })),
        resultSizeEstimate: all.length,
        ...(offset + size < all.length ? { nextPageToken: String(offset + size) } : {}),
      },
    };
  });

  fake.route('GET', '/gmail/v1/users/me/history', (req) => {
    const who = gmailAuth(req);
    if (!('user' in who)) return who;
    const start = Number(req.query.startHistoryId);
    if (!Number.isFinite(start) || start < who.user.historyValidFrom) return apiError(404, 'notFound', 'Requested entity was not found.');
    const all = [...who.user.messages.values()].filter((m) => m.historyId > start).sort((a, b) => a.historyId - b.historyId);
    const offset = Number(req.query.pageToken ?? 0);
    const page = all.slice(offset, offset + pageSize);
    return {
      json: {
        history: page.map((m) => ({
          id: String(m.historyId),
          messagesAdded: [{ message: { id: m.id, threadId: m.threadId ?? m.id, labelIds: m.labelIds ?? ['INBOX'] } }],
        })),
        historyId: String(seq),
        ...(offset + pageSize < all.length ? { nextPageToken: String(offset + pageSize) } : {}),
      },
    };
  });

  function messageRoute(id: string) {
    return (req: RecordedRequest): FakeReply => {
      const who = gmailAuth(req);
      if (!('user' in who)) return who;
      const m = who.user.messages.get(id);
      return m ? { json: full(m) } : apiError(404, 'notFound', 'Requested entity was not found.');
    };
  }

  function driveAuth(req: RecordedRequest): { user: FakeUser } | FakeReply {
    const who = bearer(req);
    if (!who) return unauthorized();
    if (!who.grant.scopes.some((s) => s.includes('auth/drive'))) return apiError(403, 'insufficientPermissions', 'Insufficient Permission');
    return who;
  }
  const fileJson = (f: StoredFile) => ({
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    trashed: f.trashed,
    modifiedTime: f.modifiedTime ?? new Date(0).toISOString(),
    webViewLink: `https://docs.example.test/${f.id}/view`,
    version: String(f.version),
    ...(f.mimeType === GOOGLE_DOC
      ? {}
      : { size: String(Buffer.byteLength(f.content)), md5Checksum: crypto.createHash('md5').update(f.content).digest('hex') }),
  });
  /** `files.list`: the `mimeType = '…'` and `trashed = false` terms of q are honoured; pages by offset. */
  fake.route('GET', '/drive/v3/files', (req) => {
    const who = driveAuth(req);
    if (!('user' in who)) return who;
    const q = String(req.query.q ?? '');
    const types = [...q.matchAll(/mimeType\s*=\s*'([^']+)'/g)].map((m) => m[1]);
    const all = [...who.user.files.values()]
      .filter((f) => !f.deleted && (!/trashed\s*=\s*false/.test(q) || !f.trashed) && (!types.length || types.includes(f.mimeType)))
      .sort((a, b) => a.id.localeCompare(b.id));
    const offset = Number(req.query.pageToken ?? 0);
    const size = Math.min(Number(req.query.pageSize) || pageSize, pageSize);
    return {
      json: {
        kind: 'drive#fileList',
        files: all.slice(offset, offset + size).map(fileJson),
        ...(offset + size < all.length ? { nextPageToken: String(offset + size) } : {}),
      },
    };
  });
  fake.route('GET', '/drive/v3/changes/startPageToken', (req) => {
    const who = driveAuth(req);
    if (!('user' in who)) return who;
    return { json: { kind: 'drive#startPageToken', startPageToken: String(seq) } };
  });
  /** `changes.list`: every file changed after the token (removed: deleted for good), paged; the last page has newStartPageToken. */
  fake.route('GET', '/drive/v3/changes', (req) => {
    const who = driveAuth(req);
    if (!('user' in who)) return who;
    const m = /^(\d+)(?::(\d+):(\d+))?$/.exec(String(req.query.pageToken ?? ''));
    if (!m) return apiError(400, 'invalid', 'Invalid Value');
    const since = Number(m[1]);
    if (since < who.user.changesValidFrom) return apiError(410, 'invalid', 'The page token is no longer valid.');
    const upTo = m[2] ? Number(m[2]) : seq;
    const offset = Number(m[3] ?? 0);
    const all = [...who.user.files.values()].filter((f) => f.seq > since && f.seq <= upTo).sort((a, b) => a.seq - b.seq);
    const size = Math.min(Number(req.query.pageSize) || pageSize, pageSize);
    const more = offset + size < all.length;
    const changes = all.slice(offset, offset + size).map((f) => ({
      kind: 'drive#change',
      changeType: 'file',
      fileId: f.id,
      removed: f.deleted,
      time: new Date().toISOString(),
      ...(f.deleted ? {} : { file: fileJson(f) }),
    }));
    return {
      json: {
        kind: 'drive#changeList',
        changes,
        ...(more ? { nextPageToken: `${since}:${upTo}:${offset + size}` } : { newStartPageToken: String(upTo) }),
      },
    };
  });
  function fileRoutes(id: string) {
    const find = (req: RecordedRequest): { file: StoredFile } | FakeReply => {
      const who = driveAuth(req);
      if (!('user' in who)) return who;
      const file = who.user.files.get(id);
      return file && !file.deleted ? { file } : apiError(404, 'notFound', `File not found: ${id}.`);
    };
    fake.route('GET', `/drive/v3/files/${encodeURIComponent(id)}`, (req) => {
      const found = find(req);
      if (!('file' in found)) return found;
      if (req.query.alt !== 'media') return { json: fileJson(found.file) };
      if (found.file.mimeType === GOOGLE_DOC)
        return apiError(
          403,
          'fileNotDownloadable',
          'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
        );
      return { headers: { 'content-type': found.file.mimeType }, body: found.file.content };
    });
    fake.route('GET', `/drive/v3/files/${encodeURIComponent(id)}/export`, (req) => {
      const found = find(req);
      if (!('file' in found)) return found;
      if (found.file.mimeType !== GOOGLE_DOC)
        return apiError(403, 'exportOnlySupportsDocsEditors', 'Export only supports Docs Editors files.');
      if (req.query.mimeType !== 'text/plain') return apiError(400, 'badRequest', 'The requested conversion is not supported.');
      return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: found.file.content };
    });
  }
  const driveUser = (email: string) => {
    const user = users.get(email);
    if (!user) throw new Error(`fake google: no user ${email}`);
    return user;
  };

  function calendarOf(email: string, calendarId: string) {
    const user = users.get(email);
    const calendar = user?.calendars.get(calendarId);
    if (!calendar) throw new Error(`fake google: no calendar ${calendarId} for ${email}`);
    return calendar;
  }

  return {
    fake,
    url: fake.url,
    requests: fake.requests,
    authUrl: `${fake.url}/o/oauth2/v2/auth`,
    tokenUrl: `${fake.url}/token`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    /** The settings that point the app at this fake. */
    env(): Record<string, string> {
      return {
        GOOGLE_CLIENT_ID: CLIENT_ID,
        GOOGLE_CLIENT_SECRET: CLIENT_SECRET,
        GOOGLE_AUTH_URL: `${fake.url}/o/oauth2/v2/auth`,
        GOOGLE_TOKEN_URL: `${fake.url}/token`,
        GOOGLE_API_URL: fake.url,
        GOOGLE_CERTS_URL: `${fake.url}/oauth2/v1/certs`,
      };
    },
    addUser,
    /** Claims of the next id_tokens replaced (a wrong audience, an old token…); `{}` restores them. */
    setIdTokenClaims(claims: Record<string, unknown>) {
      idTokenOverrides = claims;
    },
    /** The next id_tokens are signed with a key the certs do not hold (a forgery), until set back to false. */
    setForgedIdTokens(forged: boolean) {
      forgeIdTokens = forged;
    },
    /** The Google account id (`sub`) of an address. */
    subOf(email: string): string {
      const user = users.get(email);
      if (!user) throw new Error(`fake google: no user ${email}`);
      return user.sub;
    },
    /** The Google account that approves the next authorize requests; `deny`: scopes the user unticks (granular consent). */
    authorizeAs(email: string, options: { deny?: string[] } = {}) {
      nextEmail = email;
      nextDenied = options.deny ?? [];
    },
    /** Adds or replaces an event (a change: it shows in the next incremental sync). */
    putEvent(email: string, calendarId: string, event: FakeEvent) {
      calendarOf(email, calendarId).events.set(event.id, { ...event, seq: ++seq });
    },
    /** Cancels an event: listed as cancelled in incremental syncs, gone from full ones. */
    cancelEvent(email: string, calendarId: string, eventId: string) {
      const events = calendarOf(email, calendarId).events;
      const e = events.get(eventId);
      if (e) events.set(eventId, { ...e, status: 'cancelled', seq: ++seq });
    },
    /** Adds a Gmail message to the account (it shows in the next history read). */
    putMessage(email: string, message: FakeMessage) {
      const user = users.get(email);
      if (!user) throw new Error(`fake google: no user ${email}`);
      user.messages.set(message.id, { ...message, historyId: ++seq });
      fake.route('GET', `/gmail/v1/users/me/messages/${encodeURIComponent(message.id)}`, messageRoute(message.id));
    },
    /** Adds or replaces a Drive file (a change: it shows in the next changes read, with a new version). */
    putFile(email: string, file: FakeFile) {
      const files = driveUser(email).files;
      const version = (files.get(file.id)?.version ?? 0) + 1;
      files.set(file.id, { ...file, seq: ++seq, version, trashed: false, deleted: false });
      fileRoutes(file.id);
    },
    /** Moves a Drive file to the trash (`deleted`: removed for good, listed as `removed` in changes). */
    removeFile(email: string, id: string, how: 'trash' | 'delete' = 'trash') {
      const file = driveUser(email).files.get(id);
      if (file) driveUser(email).files.set(id, { ...file, seq: ++seq, trashed: true, deleted: how === 'delete' });
    },
    /** Every Drive changes token issued so far answers 410 from now on. */
    expireChanges(email: string) {
      driveUser(email).changesValidFrom = ++seq;
    },
    /** Every Gmail history id issued so far answers 404 from now on. */
    expireHistory(email: string) {
      const user = users.get(email);
      if (user) user.historyValidFrom = seq + 1;
    },
    /** Every sync token issued so far answers 410 Gone from now on. */
    invalidateSyncTokens(email: string) {
      const user = users.get(email);
      if (user) user.tokensValidFrom = seq + 1;
    },
    /** The grant is revoked at Google: refreshes answer invalid_grant, access tokens 401. */
    revokeGrants(email: string) {
      for (const g of grants.values()) if (g.email === email) g.revoked = true;
    },
    isRevoked(email: string) {
      return [...grants.values()].filter((g) => g.email === email).every((g) => g.revoked);
    },
    /** Delays every answer (the benchmark's 50 ms per call). */
    setLatency: (ms: number) => fake.setLatency(ms),
    /** The next `count` requests fail as Google does: 429, 403 rateLimitExceeded, or 503. */
    failNext(count: number, kind: '429' | '403-rate-limit' | '5xx') {
      if (kind === '429')
        fake.failNext(count, { ...apiError(429, 'rateLimitExceeded', 'Rate Limit Exceeded'), headers: { 'retry-after': '0' } });
      else if (kind === '403-rate-limit') fake.failNext(count, apiError(403, 'rateLimitExceeded', 'Rate Limit Exceeded'));
      else fake.failNext(count, apiError(503, 'backendError', 'Backend Error'));
    },
    /** Lifetime of access tokens issued from now on (0: expired at once, so every call refreshes first). */
    setAccessTtl(seconds: number) {
      accessTtlSeconds = seconds;
    },
    /** The access tokens issued to a Google account (to check whose token a request carried). */
    accessTokensOf(email: string): string[] {
      return [...accessTokens].filter(([, v]) => v.grant.email === email).map(([t]) => t);
    },
    /** Follows an authorize URL as the browser would; answers the redirect back to the app. */
    async approve(authorizeUrl: string): Promise<string> {
      const res = await fetch(authorizeUrl, { redirect: 'manual' });
      const location = res.headers.get('location');
      if (!location) throw new Error(`fake google: authorize answered ${res.status} ${await res.text()}`);
      return location;
    },
    close: () => fake.close(),
  };
}
