import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';

/** How a session took place, as the calendar classification says ('none': not a client session). */
export const SESSION_TYPES = ['in_person', 'video', 'phone', 'group', 'other', 'none'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

/** What the classification concluded about one calendar event. */
export const eventClassification = z.strictObject({
  isClientSession: z.boolean(),
  /** The event's contacts that are clients in this session. */
  clientContactIds: z.array(z.uuid()),
  sessionType: z.enum(SESSION_TYPES),
  topics: z.array(z.string()),
  followUps: z.array(z.string()),
  /** Why, when no model decided: the rule that matched, 'no API key' or 'a contact without AI consent'. */
  reason: z.string(),
});
export type EventClassification = z.infer<typeof eventClassification>;

/** POST /api/ai/classify/run: what one run did (every count is of events, not of timeline entries). */
export const classifyRunResponse = z.strictObject({
  /** Events that got a classification in this run: byModel + byRules + cached. */
  classified: z.number().int(),
  byModel: z.number().int(),
  /** Decided by rules only: obvious non-client events, events with a contact without ai_processing consent, or every event without a key. */
  byRules: z.number().int(),
  /** Unchanged events whose stored classification (same content hash) was used again: no call. */
  cached: z.number().int(),
  /** Model calls made (up to 25 events each). */
  calls: z.number().int(),
  /** Timeline entries whose classification changed. */
  entriesUpdated: z.number().int(),
  /** Events still waiting (a run takes a bounded number); run again for more. */
  remaining: z.boolean(),
  model: z.string(),
  madeWithoutModel: z.boolean(),
});
export type ClassifyRun = z.infer<typeof classifyRunResponse>;

export const listClassificationsQuery = z.strictObject({ ...pageQueryFields });
export type ListClassificationsQuery = z.infer<typeof listClassificationsQuery>;

/** One stored classification: the event's key on the timeline, how it was decided and what it says. */
export const classificationResponse = z.strictObject({
  id: z.uuid(),
  eventKey: z.string(),
  /** model, rules (an obvious non-client event), consent (rules only: a contact without AI consent) or offline (no API key). */
  method: z.enum(['model', 'rules', 'consent', 'offline']),
  model: z.string(),
  madeWithoutModel: z.boolean(),
  result: eventClassification,
  createdAt: dateTimeOut,
});
export const classificationPageResponse = z.strictObject({ items: z.array(classificationResponse), nextCursor: z.string().nullable() });
export type Classification = z.infer<typeof classificationResponse>;
