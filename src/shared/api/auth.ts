import { getSupportedRegionCodes } from 'awesome-phonenumber';
import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { LIMITS } from '../../server/platform/limits.js';
import { LIFECYCLE_STAGES } from '../domain.js';

export const emailSchema = z
  .email({ message: 'must be a valid email address' })
  .max(320)
  .transform((e) => e.trim().toLowerCase());
const password = z
  .string()
  .min(LIMITS.password.min, `must be at least ${LIMITS.password.min} characters`)
  .max(LIMITS.password.max, `must be at most ${LIMITS.password.max} characters`);

/**
 * A time zone this server knows: one of Intl.supportedValuesOf('timeZone'), or an alias of one
 * (browsers report Asia/Kolkata where Node lists Asia/Calcutta), or UTC.
 */
export function isKnownTimeZone(tz: string): boolean {
  if (tz === 'UTC') return true;
  const known = Intl.supportedValuesOf('timeZone');
  if (known.includes(tz)) return true;
  try {
    return known.includes(new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone);
  } catch {
    return false;
  }
}
const timezone = z
  .string()
  .max(64)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Paris')
  .meta({ examples: ['Europe/Paris'] });

export const signupBody = z.strictObject({
  email: emailSchema,
  password,
  displayName: z.string().trim().max(LIMITS.text.name).default(''),
  /** The browser's zone; the account starts in UTC without it. */
  timezone: timezone.optional(),
});
/** GET /api/auth/google: the browser's zone, for an account this sign-in creates (UTC without it). */
export const googleSigninQuery = z.strictObject({ timezone: timezone.optional() });
/** POST /api/auth/google/link: the password of the existing account with the Google account's email. */
export const googleLinkBody = z.strictObject({ password: z.string().min(1).max(LIMITS.password.max) });
/** GET /api/auth/google/link: which account waits for its password, and until when. */
export const googlePendingLinkResponse = z.strictObject({ email: z.string(), expiresAt: dateTimeOut });
/** GET /api/auth/providers: the ways to sign in this server offers. */
export const authProvidersResponse = z.strictObject({ password: z.boolean(), google: z.boolean() });
/**
 * Why a "Sign in with Google" did not sign in: the callback sends the browser to
 * /sign-in?google=<reason>, and the web app says it in words.
 */
export const GOOGLE_SIGNIN_REFUSALS = ['expired', 'denied', 'unverified', 'failed', 'unavailable', 'other_google', 'rate_limited'] as const;
export type GoogleSigninRefusal = (typeof GOOGLE_SIGNIN_REFUSALS)[number];
export const loginBody = z.strictObject({ email: emailSchema, password: z.string().min(1).max(LIMITS.password.max) });
export const changePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(LIMITS.password.max), newPassword: password });

const stageDays = z.partialRecord(z.enum(LIFECYCLE_STAGES), z.number().int().min(1).max(3650));
export const settingsSchema = z.strictObject({
  keepInTouchDays: stageDays.optional(),
  theme: z.enum(['light', 'dark', 'system']).optional(),
});
/** ISO 3166 alpha-2, e.g. FR: the country of phone numbers written without a country code. */
const country = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be a two-letter country code such as FR')
  .meta({ examples: ['FR'] })
  .transform((code) => code.toUpperCase())
  .refine((code) => getSupportedRegionCodes().includes(code), 'is not a country we know phone numbers of; use a code such as FR');

export const updateProfileBody = z.strictObject({
  displayName: z.string().trim().max(LIMITS.text.name).optional(),
  timezone: timezone.optional(),
  country: country.nullable().optional(),
  settings: settingsSchema.optional(),
});

export const userResponse = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  timezone: z.string(),
  country: z.string().nullable(),
  settings: z.strictObject({
    keepInTouchDays: z.partialRecord(z.enum(LIFECYCLE_STAGES), z.number()),
    theme: z.enum(['light', 'dark', 'system']),
  }),
  hasPassword: z.boolean(),
  hasGoogle: z.boolean(),
  createdAt: dateTimeOut,
});
export const meResponse = z.strictObject({ user: userResponse, csrfToken: z.string() });

export const sessionResponse = z.strictObject({
  id: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: dateTimeOut,
  lastSeenAt: dateTimeOut,
  isCurrent: z.boolean(),
});
export const sessionPageResponse = z.strictObject({ items: z.array(sessionResponse), nextCursor: z.null() });
export const csrfResponse = z.strictObject({ csrfToken: z.string() });
/** A session's id as GET /api/auth/sessions lists it (64 hex digits, in any letter case). */
export const sessionIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be a session id')
    .transform((id) => id.toLowerCase()),
});

export type User = z.infer<typeof userResponse>;
export type Theme = User['settings']['theme'];
export type Me = z.infer<typeof meResponse>;
export type Session = z.infer<typeof sessionResponse>;
export type ProfileInput = z.input<typeof updateProfileBody>;
export type GooglePendingLink = z.infer<typeof googlePendingLinkResponse>;
export type AuthProviders = z.infer<typeof authProvidersResponse>;
