import { z } from 'zod';
import { pageQueryFields } from '../../platform/http/page-query.js';
import { LIMITS } from '../../platform/limits.js';
import { INTERACTION_SOURCES, INTERACTION_TYPES } from '../../db/schema/index.js';

const T = LIMITS.text;
const contactId = z.uuid({ message: 'must be a contact id (UUID)' });
const sentiment = z
  .number()
  .int('must be a whole number from 1 to 5')
  .min(1, 'must be from 1 to 5')
  .max(5, 'must be from 1 to 5')
  .nullable();
// PostgreSQL has no year 0 and the product no use for dates far away; bounding the year keeps a
// typo a 400 rather than a database error.
const isSaneYear = (d: Date) => d.getUTCFullYear() >= 1900 && d.getUTCFullYear() <= 2999;
const YEAR_MESSAGE = 'must be between the years 1900 and 2999';
const occurredAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2025-03-01T10:00:00Z' })
  .refine((s) => isSaneYear(new Date(s)), YEAR_MESSAGE);

export const interactionFields = {
  contactId,
  type: z.enum(INTERACTION_TYPES, { message: `must be one of ${INTERACTION_TYPES.join(', ')}` }),
  subject: z.string().trim().max(T.short, `must be at most ${T.short} characters`),
  content: z.string().max(T.notes, `must be at most ${T.notes} characters`),
  occurredAt,
  sentiment,
};

export const createInteractionBody = z.strictObject({
  ...interactionFields,
  subject: interactionFields.subject.default(''),
  content: interactionFields.content.default(''),
  occurredAt: occurredAt.optional(),
  sentiment: sentiment.default(null),
  source: z.enum(INTERACTION_SOURCES, { message: `must be one of ${INTERACTION_SOURCES.join(', ')}` }).default('manual'),
  sourceId: z.string().trim().min(1, 'must not be empty').max(500).nullable().default(null),
});
export type CreateInteractionInput = z.output<typeof createInteractionBody>;

// Source and source id identify a synced item, so they are fixed once written.
export const updateInteractionBody = z.strictObject(interactionFields).partial();
export type UpdateInteractionInput = z.output<typeof updateInteractionBody>;

const pageFields = {
  ...pageQueryFields,
  type: z.enum(INTERACTION_TYPES, { message: `must be one of ${INTERACTION_TYPES.join(', ')}` }).optional(),
};
export const listInteractionsQuery = z.strictObject(pageFields);
export type ListInteractionsQuery = z.output<typeof listInteractionsQuery>;

export const interactionIdParams = z.strictObject({ id: z.uuid({ message: 'must be an interaction id (UUID)' }) });
export const contactIdParams = z.strictObject({ id: contactId });

export const interactionResponse = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  type: z.enum(INTERACTION_TYPES),
  subject: z.string(),
  content: z.string(),
  occurredAt: z.string(),
  source: z.enum(INTERACTION_SOURCES),
  sourceId: z.string().nullable(),
  sentiment: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  contact: z.object({ id: z.uuid(), name: z.string(), photoUrl: z.string().nullable() }),
});
export const interactionPageResponse = z.object({ items: z.array(interactionResponse), nextCursor: z.string().nullable() });

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
