import { z } from 'zod';
import { LIMITS } from '../../server/platform/limits.js';
import { uuidId } from './ids.js';
import { pageQueryFields } from './page-query.js';
import { dateOut, dateTimeOut } from './dates.js';
import { LIFECYCLE_STAGES } from '../domain.js';

const D = LIMITS.duplicates;
const contactId = uuidId('must be a contact id (UUID)');
const EXAMPLE_PAIR = ['3f1c2a4e-8b7d-4c1e-9a2b-000000000001', '3f1c2a4e-8b7d-4c1e-9a2b-000000000002'];

export const DUPLICATE_REASONS = ['email', 'phone', 'name_domain'] as const;

export const duplicatesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(D.maxGroups, `must be at most ${D.maxGroups}`).default(D.defaultGroups),
});

/** What the comparison shows of each contact: the fields a person decides a merge by. */
export const duplicateContact = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  status: z.string(),
  sentiment: z.number().nullable(),
  engagementTrend: z.string(),
  notes: z.string(),
  birthday: dateOut.nullable(),
  keepInTouchDays: z.number().nullable(),
  referralCount: z.number(),
  lastContactAt: dateTimeOut.nullable(),
  photoUrl: z.string().nullable(),
  interactions: z.number(),
  createdAt: dateTimeOut,
});
export const duplicateReason = z.strictObject({
  kind: z.enum(DUPLICATE_REASONS),
  contactIds: z.tuple([z.uuid(), z.uuid()]).meta({ examples: [EXAMPLE_PAIR] }),
  /** Shown as is: "same email anna@example.com", "same phone after normalisation", ... */
  text: z.string(),
});
export const duplicateGroup = z.strictObject({
  /** 0 to 1: the strongest reason between two of the group's contacts. */
  score: z.number(),
  contacts: z.array(duplicateContact),
  reasons: z.array(duplicateReason),
});
export const duplicatesResponse = z.strictObject({
  items: z.array(duplicateGroup),
  /** True when there were more matches than one answer holds: merge or dismiss some, then ask again. */
  truncated: z.boolean(),
});

export const dismissBody = z
  .strictObject({
    contactIds: z
      .array(contactId)
      .length(2, 'must name exactly two contacts')
      .refine(([a, b]) => a !== b, 'must name two different contacts'),
  })
  .meta({ examples: [{ contactIds: EXAMPLE_PAIR }] });

/** Scalar fields a merge takes from one chosen contact (the primary's by default). */
export const MERGE_FIELDS = [
  'name',
  'notes',
  'lifecycleStage',
  'status',
  'sentiment',
  'engagementTrend',
  'birthday',
  'keepInTouchDays',
  'referralCount',
  'customFields',
  'socialHandles',
  'photoId',
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

export const mergeBody = z
  .strictObject({
    primaryId: contactId,
    /** The contacts merged into the primary (the primary's own id may be listed too). */
    contactIds: z.array(contactId).min(1, 'must name at least one other contact').max(D.mergeContacts),
    /** Which contact each field is taken from; unnamed fields keep the primary's value. */
    fields: z.partialRecord(z.enum(MERGE_FIELDS), contactId).optional(),
  })
  .superRefine((body, ctx) => {
    const ids = new Set([body.primaryId, ...body.contactIds]);
    if (ids.size < 2) {
      ctx.addIssue({ code: 'custom', path: ['contactIds'], message: 'must name at least one contact other than the primary' });
    }
    for (const [field, id] of Object.entries(body.fields ?? {})) {
      if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['fields', field], message: 'must be one of the contacts being merged' });
    }
  });
export type MergeInput = z.output<typeof mergeBody>;

export const mergeResponse = z.strictObject({ mergeId: z.uuid(), contactId: z.uuid() });

export const mergeIdParams = z.strictObject({ id: uuidId('must be a merge id (UUID)') });
export const listMergesQuery = z.strictObject({ ...pageQueryFields });

export const mergeRecord = z.strictObject({
  id: z.uuid(),
  contactId: z.uuid(),
  /** The names as they were at the merge: the primary's, then the merged-away contacts'. */
  primaryName: z.string(),
  mergedNames: z.array(z.string()),
  mergedIds: z.array(z.uuid()),
  /** Rows moved to the primary, per kind. */
  moved: z.record(z.string(), z.number()),
  createdAt: dateTimeOut,
  undoneAt: dateTimeOut.nullable(),
  undoUntil: dateTimeOut,
});
export const mergePageResponse = z.strictObject({ items: z.array(mergeRecord), nextCursor: z.string().nullable() });
export const undoResponse = z.strictObject({ mergeId: z.uuid(), contactIds: z.array(z.uuid()) });

export type DuplicateGroup = z.infer<typeof duplicateGroup>;
export type DuplicateContact = z.infer<typeof duplicateContact>;
export type MergeRecord = z.infer<typeof mergeRecord>;
export type MergeBody = z.input<typeof mergeBody>;
