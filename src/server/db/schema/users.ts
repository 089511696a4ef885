import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt } from './columns.js';

export type UserSettings = {
  /** Days between contacts per lifecycle stage; missing stages use the product defaults. */
  keepInTouchDays?: Partial<Record<string, number>>;
  theme?: 'light' | 'dark' | 'system';
};

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull().default(''),
    /** Null for accounts that only sign in with Google. */
    passwordHash: text('password_hash'),
    googleSub: text('google_sub'),
    timezone: text('timezone').notNull().default('UTC'),
    /** ISO 3166 alpha-2 country: the default for phone numbers written without a country code. */
    country: text('country'),
    settings: jsonb('settings').$type<UserSettings>().notNull().default({}),
    passwordChangedAt: ts('password_changed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_uq').on(sql`lower(${t.email})`), uniqueIndex('users_google_sub_uq').on(t.googleSub)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a leaked table does not leak usable session ids. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
    lastSeenAt: ts('last_seen_at').notNull().default(sql`now()`),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/** OAuth grants (Google today). Tokens are AES-256-GCM ciphertexts, never returned by a route. */
export const oauthConnections = pgTable(
  'oauth_connections',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    providerAccountId: text('provider_account_id').notNull(),
    accountEmail: text('account_email'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    expiresAt: ts('expires_at'),
    revokedAt: ts('revoked_at'),
    /** 'active', or 'needs_reconnect' once Google refused the grant (invalid_grant): no call is made until the user reconnects. */
    status: text('status').notNull().default('active'),
    /** Services the user turned on ('calendar'), and the calendars chosen for sync. */
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
    calendarIds: text('calendar_ids').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('oauth_connections_user_provider_uq').on(t.userId, t.provider)],
);

/**
 * OAuth `state` of a connect flow that has not come back yet: bound to the browser session that
 * started it, single use (deleted when read), short-lived; the PKCE verifier is sealed.
 */
export const oauthStates = pgTable(
  'oauth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionIdHash: text('session_id_hash').notNull(),
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    services: text('services').array().notNull().default(sql`'{}'::text[]`),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('oauth_states_expires_idx').on(t.expiresAt)],
);

/**
 * Answers of POST requests sent with an Idempotency-Key, kept 24 hours per user so a retried
 * request answers the first result instead of writing twice. A row without a status is a request
 * still being served (or abandoned by a crash: taken over after LIMITS.idempotency.abandonMs).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code'),
    contentType: text('content_type'),
    body: text('body'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * The secret calendar feed (GET /ics/<token>.ics), one per user: only the SHA-256 of the token is
 * kept, so the URL can be shown once (when made or rotated); rotating replaces the hash.
 */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique('calendar_feeds_token_hash_uq'),
  createdAt: createdAt(),
});

/**
 * A "Sign in with Google" on its way to Google and back: bound to the browser's pre-session cookie
 * (its SHA-256), single use (deleted when read), short-lived; the PKCE verifier is sealed.
 */
export const googleSigninStates = pgTable(
  'google_signin_states',
  {
    stateHash: text('state_hash').primaryKey(),
    browserHash: text('browser_hash').notNull(),
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    /** Sent to Google and found again in the id_token: the token was made for this sign-in. */
    nonce: text('nonce').notNull(),
    /** The browser's time zone, for an account created by this sign-in. */
    timezone: text('timezone'),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('google_signin_states_expires_idx').on(t.expiresAt)],
);

/**
 * A Google account whose verified email is an existing password account's: linked (and signed in)
 * only once that account's password is typed in the same browser. Short-lived, used once.
 */
export const googlePendingLinks = pgTable(
  'google_pending_links',
  {
    /** SHA-256 of the browser's pre-session cookie. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    googleSub: text('google_sub').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('google_pending_links_expires_idx').on(t.expiresAt), index('google_pending_links_user_idx').on(t.userId)],
);
