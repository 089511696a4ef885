import { z } from 'zod';
import { LIMITS } from '../../server/platform/limits.js';
import { dateTimeOut, isoDateTime } from './dates.js';
import { uuidId } from './ids.js';
import { calendarCounts, SUBSCRIPTION_STATUSES } from './imports.js';

const T = LIMITS.text;

/** A session put in the calendar by hand (Google and ICS events arrive through sync and import). */
export const createEventBody = z
  .strictObject({
    title: z.string().trim().min(1, 'is required').max(T.short),
    startsAt: isoDateTime,
    endsAt: isoDateTime.optional(),
    location: z.string().max(T.short).default(''),
    contactId: uuidId('must be a contact id (UUID)').optional(),
  })
  .refine((b) => !b.endsAt || Date.parse(b.endsAt) >= Date.parse(b.startsAt), {
    message: 'must not be before the start',
    path: ['endsAt'],
  });
export type CreateEventInput = z.output<typeof createEventBody>;

export const eventResponse = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  location: z.string(),
  startsAt: dateTimeOut,
  endsAt: dateTimeOut.nullable(),
  contactId: z.uuid().nullable(),
});
export type CalendarEvent = z.infer<typeof eventResponse>;

/**
 * The secret calendar feed: GET says whether it is on and since when (only the token's hash is
 * kept, so the URL is shown once, by POST, which makes or replaces it).
 */
export const feedStatusResponse = z.strictObject({
  url: z.null(),
  createdAt: dateTimeOut.nullable(),
});
export type FeedStatus = z.infer<typeof feedStatusResponse>;

export const feedCreatedResponse = z.strictObject({ url: z.string() });
export type FeedCreated = z.infer<typeof feedCreatedResponse>;

export const feedTokenParams = z.strictObject({ file: z.string().max(200) });

/** A calendar subscription: an ICS URL (webcal:// is read as https://) fetched on a schedule. */
export const createSubscriptionBody = z.strictObject({
  url: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(LIMITS.calendarSubscriptions.urlChars, `must be at most ${LIMITS.calendarSubscriptions.urlChars} characters`),
});

export const subscriptionResponse = z.strictObject({
  id: z.uuid(),
  /** Only the server's origin: the path of a private calendar URL is its secret. */
  origin: z.string(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  /** Why the last fetch failed (status "failed"). */
  lastError: z.string().nullable(),
  lastFetchedAt: dateTimeOut.nullable(),
  /** What the last fetch that brought a changed calendar did. */
  counts: calendarCounts.nullable(),
  createdAt: dateTimeOut,
});
export type CalendarSubscription = z.infer<typeof subscriptionResponse>;
export const subscriptionListResponse = z.strictObject({ items: z.array(subscriptionResponse) });
export const subscriptionParams = z.strictObject({ id: uuidId('must be a subscription id (UUID)') });
