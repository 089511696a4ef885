import { z } from 'zod';
import { uuidId } from './ids.js';
import { dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';

/** What the daily suggestions propose; each kind runs through the service that owns its data when approved. */
export const SUGGESTION_KINDS = ['reconnect', 'tag_from_attendance', 'add_photo', 'overdue_task', 'record_consent'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];

export const listSuggestionsQuery = z.strictObject({ ...pageQueryFields });
export type ListSuggestionsQuery = z.output<typeof listSuggestionsQuery>;
export const suggestionIdParams = z.strictObject({ id: uuidId('must be a suggestion id (UUID)') });

/** What approving did: a sentence for the person, the task it created (if any) and whether it can be undone. */
export const suggestionResult = z.strictObject({
  message: z.string(),
  taskId: z.uuid().nullable(),
  undoable: z.boolean(),
});
export type SuggestionResult = z.infer<typeof suggestionResult>;

export const suggestionResponse = z.strictObject({
  id: z.uuid(),
  kind: z.enum(SUGGESTION_KINDS),
  title: z.string(),
  rationale: z.string(),
  /** 0–1: how strongly it is suggested (the model's ranking, or the kind's default offline). */
  confidence: z.number(),
  status: z.enum(['pending', 'approved', 'rejected', 'applied', 'expired']),
  contact: z.strictObject({ id: z.uuid(), name: z.string() }).nullable(),
  /** The model that worded it, or 'offline' when it was made without a model. */
  model: z.string(),
  madeWithoutModel: z.boolean(),
  result: suggestionResult.nullable(),
  createdAt: dateTimeOut,
  decidedAt: dateTimeOut.nullable(),
});
export type Suggestion = z.infer<typeof suggestionResponse>;
export const suggestionPageResponse = z.strictObject({
  items: z.array(suggestionResponse),
  nextCursor: z.string().nullable(),
  /** Pending suggestions in all (the navigation's count). */
  pending: z.number().int(),
});
export type SuggestionPage = z.infer<typeof suggestionPageResponse>;

/** POST /api/suggestions/run: what one computation proposed (new ones only; known ones are never proposed again). */
export const suggestionRunResponse = z.strictObject({
  proposed: z.number().int(),
  byKind: z.strictObject(Object.fromEntries(SUGGESTION_KINDS.map((k) => [k, z.number().int()])) as Record<SuggestionKind, z.ZodNumber>),
  model: z.string(),
  madeWithoutModel: z.boolean(),
});
export type SuggestionRun = z.infer<typeof suggestionRunResponse>;
