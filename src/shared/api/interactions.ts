import { z } from 'zod';
import { recordVersion, versionBodyField } from './versions.js';
import { uuidId } from './ids.js';
import { dateTimeOut, isoDateTime } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';
import { INTERACTION_SOURCES, INTERACTION_TYPES } from '../domain.js';

const T = LIMITS.text;
const contactId = uuidId('must be a contact id (UUID)');
const sentiment = z
  .number()
  .int('must be a whole number from 1 to 5')
  .min(1, 'must be from 1 to 5')
  .max(5, 'must be from 1 to 5')
  .nullable();
const isSaneYear = (d: Date) => d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 2999;
const YEAR_MESSAGE = 'must be between the years 1900 and 2999';
const occurredAt = isoDateTime;

export const interactionFields = {
  contactId,
  type: z.enum(INTERACTION_TYPES, { message: `must be one of ${INTERACTION_TYPES.join(', ')}` }),
  subject: z.string().trim().max(T.short, `must be at most ${T.short} characters`),
  content: z.string().max(T.notes, `must be at most ${T.notes} characters`),
  occurredAt,
  sentiment,
  /** A private note: shown to the user only, never sent to a model. */
  private: z.boolean({ message: 'must be true or false' }),
};

export const createInteractionBody = z.strictObject({
  ...interactionFields,
  subject: interactionFields.subject.default(''),
  content: interactionFields.content.default(''),
  occurredAt: occurredAt.optional(),
  sentiment: sentiment.default(null),
  private: interactionFields.private.default(false),
  source: z.enum(INTERACTION_SOURCES, { message: `must be one of ${INTERACTION_SOURCES.join(', ')}` }).default('manual'),
  sourceId: z.string().trim().min(1, 'must not be empty').max(500).nullable().default(null),
});
export type CreateInteractionInput = z.output<typeof createInteractionBody>;

/** One class or group session logged for several people at once: one timeline entry each. */
export const createForContactsBody = z.strictObject({
  contactIds: z
    .array(contactId)
    .min(1, 'must name at least one person')
    .max(LIMITS.attendees, `must name at most ${LIMITS.attendees} people`)
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
  type: interactionFields.type.default('class_attendance'),
  subject: interactionFields.subject.default(''),
  content: interactionFields.content.default(''),
  occurredAt: occurredAt.optional(),
  sentiment: sentiment.default(null),
  private: interactionFields.private.default(false),
});
export type CreateForContactsInput = z.output<typeof createForContactsBody>;

// Source and source id identify a synced item, so they are fixed once written.
const interactionPatch = z.strictObject(interactionFields).partial();
export const updateInteractionBody = interactionPatch.extend(versionBodyField);
export type UpdateInteractionInput = z.output<typeof interactionPatch>;

const pageFields = {
  ...pageQueryFields,
  type: z.enum(INTERACTION_TYPES, { message: `must be one of ${INTERACTION_TYPES.join(', ')}` }).optional(),
};
export const listInteractionsQuery = z.strictObject(pageFields);
export type ListInteractionsQuery = z.output<typeof listInteractionsQuery>;

export const interactionIdParams = z.strictObject({ id: uuidId('must be an interaction id (UUID)') });
export const contactIdParams = z.strictObject({ id: contactId });

export const interactionResponse = z.strictObject({
  version: recordVersion,
  id: z.uuid(),
  contactId: z.uuid(),
  type: z.enum(INTERACTION_TYPES),
  subject: z.string(),
  content: z.string(),
  occurredAt: dateTimeOut,
  source: z.enum(INTERACTION_SOURCES),
  sourceId: z.string().nullable(),
  sentiment: z.number().nullable(),
  private: z.boolean(),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
  contact: z.strictObject({ id: z.uuid(), name: z.string(), photoUrl: z.string().nullable() }),
});
export const interactionListResponse = z.strictObject({ items: z.array(interactionResponse) });
export const interactionPageResponse = z.strictObject({ items: z.array(interactionResponse), nextCursor: z.string().nullable() });

/** What a sync or an import hands to upsertMany: (source, sourceId) identifies the item. */
export const importedInteraction = z.strictObject({
  contactId,
  type: interactionFields.type,
  subject: z.string().default(''),
  content: z.string().default(''),
  occurredAt: z
    .union([z.date(), occurredAt])
    .transform((d) => new Date(d))
    .refine(isSaneYear, YEAR_MESSAGE),
  source: z.enum(INTERACTION_SOURCES),
  sourceId: z.string().min(1).max(500),
  sentiment: sentiment.default(null),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type ImportedInteraction = z.input<typeof importedInteraction>;

export type Interaction = z.infer<typeof interactionResponse>;
export type InteractionBody = z.input<typeof createInteractionBody>;
export type InteractionPatch = z.input<typeof updateInteractionBody>;
