import { z } from 'zod';
import { recordVersion, versionBodyField } from './versions.js';
import { boolParam, csvList, pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';
import { uniqueIds, uuidId } from './ids.js';
import { dateOut, dateTimeOut, isoDate, isoDateTime } from './dates.js';
import { CONSENT_PURPOSES, CONTACT_STATUSES, ENGAGEMENT_TRENDS, LIFECYCLE_STAGES, SENTIMENT_TRENDS, RECONNECT_GROUPS } from '../domain.js';
import { bulkConsentFields } from './consents.js';

const L = LIMITS.contact;
const T = LIMITS.text;
const boundedRecord = <V extends z.ZodType>(value: V, max: number, what: string) =>
  z.record(z.string().min(1).max(100), value).refine((r) => Object.keys(r).length <= max, `at most ${max} ${what}`);

/**
 * A phone number as people write it: digits with spaces, + ( ) - . /, and an optional extension
 * ("ext. 12", "x12", "#12"); 3 to 17 digits before the extension (E.164 allows 15).
 */
const PHONE_SHAPE = /^\+?[\d\s().\-/]+?(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?$/i;
export const isPhone = (value: string) => {
  if (!PHONE_SHAPE.test(value)) return false;
  const digits = value.replace(/(?:ext\.?|x|#)\s*\d{1,6}$/i, '').replace(/\D/g, '').length;
  return digits >= 3 && digits <= 17;
};
const PHONE_MESSAGE = 'must be a phone number: digits with spaces and + ( ) - . / only, for example +44 20 7946 0958 or 555-0101 ext. 12';
/** What a practitioner calls an email or a phone ("home", "work", "mobile", or their own word). */
const channelLabel = z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters');

export const contactFields = {
  name: z.string().trim().min(1, 'is required').max(T.name),
  emails: z
    .array(z.email({ message: 'must be a valid email address' }).max(320))
    .max(L.emails)
    .transform((list) => [...new Set(list.map((e) => e.trim().toLowerCase()))]),
  phones: z
    .array(
      z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(50)
        .refine(isPhone, PHONE_MESSAGE)
        .meta({ examples: ['+44 20 7946 0958'] }),
    )
    .max(L.phones),
  /** Labels keyed by the email (any case) or phone exactly as listed; a label of a value not listed is dropped. */
  emailLabels: boundedRecord(channelLabel, L.emails, 'email labels').transform((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k.trim().toLowerCase(), v])),
  ),
  phoneLabels: boundedRecord(channelLabel, L.phones, 'phone labels').transform((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k.trim(), v])),
  ),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  status: z.enum(CONTACT_STATUSES),
  sentiment: z.number().int().min(1).max(5).nullable(),
  engagementTrend: z.enum(ENGAGEMENT_TRENDS),
  notes: z.string().max(T.notes),
  customFields: boundedRecord(z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]), L.customFields, 'custom fields'),
  socialHandles: boundedRecord(z.string().max(200), L.socialHandles, 'social handles'),
  referralCount: z.number().int().min(0).max(1_000_000),
  birthday: isoDate.nullable(),
  importantDates: z.array(z.strictObject({ label: z.string().trim().min(1).max(100), date: isoDate })).max(L.importantDates),
  keepInTouchDays: z.number().int().min(1).max(3650).nullable(),
  lastContactAt: isoDateTime.nullable(),
  hasAiConsent: z.boolean(),
  hasPhotoConsent: z.boolean(),
  tagIds: z.array(uuidId('must be a tag id (UUID)')).max(L.tags).transform(uniqueIds),
};

const contactObject = z.strictObject(contactFields);
export const createContactBody = contactObject.partial().required({ name: true });
const contactPatch = contactObject.partial();
/** An edit; `version` (optional) is the version it was made from (see shared/api/versions.ts). */
export const updateContactBody = contactPatch.extend(versionBodyField);
export type ContactInput = z.output<typeof contactPatch>;

export const SORTS = ['name', 'lastContact', 'created', 'sentiment'] as const;

export const listContactsQuery = z.strictObject({
  ...pageQueryFields,
  sort: z.enum(SORTS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  q: z.string().max(T.search).optional(),
  tags: csvList.pipe(z.array(uuidId('must be tag ids (UUIDs) separated by commas')).max(50).transform(uniqueIds)).optional(),
  tagMode: z.enum(['any', 'all']).default('any'),
  stage: csvList.pipe(z.array(z.enum(LIFECYCLE_STAGES))).optional(),
  status: z.enum(CONTACT_STATUSES).optional(),
  aiConsent: boolParam.optional(),
  photoConsent: boolParam.optional(),
  /** Contacts that allow every one of these purposes now (the consent ledger, expiry included). */
  consent: csvList.pipe(z.array(z.enum(CONSENT_PURPOSES, { message: `must be purposes among ${CONSENT_PURPOSES.join(', ')}` }))).optional(),
  /** Contacts that allow none of these purposes now. */
  noConsent: csvList
    .pipe(z.array(z.enum(CONSENT_PURPOSES, { message: `must be purposes among ${CONSENT_PURPOSES.join(', ')}` })))
    .optional(),
  noContactDays: z.coerce.number().int().min(1).max(36500).optional(),
  /** The people behind a figure of the Today view: past their cadence, never contacted, or inactive. */
  reconnect: z.enum(RECONNECT_GROUPS).optional(),
});
export type ListContactsQuery = z.output<typeof listContactsQuery>;

export const idParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });

export const BULK_ACTIONS = ['tag', 'untag', 'set_stage', 'delete', 'set_consent'] as const;
const bulkIds = z.array(uuidId('must be a contact id (UUID)')).min(1).max(LIMITS.bulkIds);
const bulkTagIds = z.array(uuidId('must be a tag id (UUID)')).min(1).max(50).transform(uniqueIds);
export const bulkBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('tag'), ids: bulkIds, tagIds: bulkTagIds }),
  z.strictObject({ action: z.literal('untag'), ids: bulkIds, tagIds: bulkTagIds }),
  z.strictObject({ action: z.literal('set_stage'), ids: bulkIds, stage: z.enum(LIFECYCLE_STAGES) }),
  z.strictObject({ action: z.literal('delete'), ids: bulkIds }),
  /** Records one consent decision for every contact (one ledger entry each, audited). */
  z.strictObject({ action: z.literal('set_consent'), ids: bulkIds, ...bulkConsentFields }),
]);
export type BulkInput = z.output<typeof bulkBody>;

const tagRef = z.strictObject({ id: z.uuid(), name: z.string(), color: z.string() });
export const contactResponse = z.strictObject({
  version: recordVersion,
  id: z.uuid(),
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  emailLabels: z.record(z.string(), z.string()),
  phoneLabels: z.record(z.string(), z.string()),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  status: z.enum(CONTACT_STATUSES),
  sentiment: z.number().nullable(),
  /** From the recent interaction scores (background sentiment): null until there are enough. */
  sentimentTrend: z.enum(SENTIMENT_TRENDS).nullable(),
  engagementTrend: z.enum(ENGAGEMENT_TRENDS),
  notes: z.string(),
  customFields: z.record(z.string(), z.unknown()),
  socialHandles: z.record(z.string(), z.string()),
  referralCount: z.number(),
  birthday: dateOut.nullable(),
  importantDates: z.array(z.strictObject({ label: z.string(), date: z.string() })),
  keepInTouchDays: z.number().nullable(),
  lastContactAt: dateTimeOut.nullable(),
  hasAiConsent: z.boolean(),
  hasPhotoConsent: z.boolean(),
  photoUrl: z.string().nullable(),
  tags: z.array(tagRef),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
});
export const contactDetailResponse = contactResponse.extend({
  /** insights: 1 when contact insights are stored (GET /api/ai/insights/:contactId answers them), else 0. */
  counts: z.strictObject({ interactions: z.number(), goals: z.number(), openTasks: z.number(), insights: z.number() }),
});
/** List items leave out the long free-text fields; GET /api/contacts/:id has them. */
export const contactSummaryResponse = contactResponse.omit({
  notes: true,
  emailLabels: true,
  phoneLabels: true,
  customFields: true,
  socialHandles: true,
  importantDates: true,
});
export const contactPageResponse = z.strictObject({ items: z.array(contactSummaryResponse), nextCursor: z.string().nullable() });
export const deletePreviewResponse = z.strictObject({
  contact: z.strictObject({ id: z.uuid(), name: z.string() }),
  willDelete: z.record(z.string(), z.number()),
  willUnlink: z.record(z.string(), z.number()),
});
/** GET /api/contacts/ids: the matching contacts' ids (at most LIMITS.bulkIds, by name) and how many match. */
export const matchingIdsResponse = z.strictObject({ ids: z.array(z.uuid()), total: z.number().int() });
export type MatchingIds = z.infer<typeof matchingIdsResponse>;

export const bulkResponse = z.strictObject({ action: z.enum(BULK_ACTIONS), affected: z.array(z.uuid()), notFound: z.array(z.uuid()) });

/** A contact as lists answer it; ContactDetail adds the long fields and counts. */
export type Contact = z.infer<typeof contactSummaryResponse>;
export type ContactDetail = z.infer<typeof contactDetailResponse>;
export type TagRef = z.infer<typeof tagRef>;
export type ContactBody = z.input<typeof updateContactBody>;
export type DeletePreview = z.infer<typeof deletePreviewResponse>;
export type BulkResult = z.infer<typeof bulkResponse>;
