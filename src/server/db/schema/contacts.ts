import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, createdAt, id, ts, updatedAt, version } from './columns.js';
import { users } from './users.js';
import { contactPhotos } from './photos.js';
import { CONSENT_METHODS, CONSENT_PURPOSES, CONTACT_STATUSES, ENGAGEMENT_TRENDS, LIFECYCLE_STAGES } from '../../../shared/domain.js';

export { LIFECYCLE_STAGES, CONTACT_STATUSES, ENGAGEMENT_TRENDS, type LifecycleStage } from '../../../shared/domain.js';

export const lifecycleStage = pgEnum('lifecycle_stage', LIFECYCLE_STAGES);
export const contactStatus = pgEnum('contact_status', CONTACT_STATUSES);
export const engagementTrend = pgEnum('engagement_trend', ENGAGEMENT_TRENDS);

export type ImportantDate = { label: string; date: string };

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Lower-cased; several contacts may share one (families, shared inboxes). */
    emails: text('emails').array().notNull().default(sql`'{}'::text[]`),
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    /** "home", "work", "mobile"… keyed by an email of `emails` / a phone of `phones` (drizzle/0013). */
    emailLabels: jsonb('email_labels').$type<Record<string, string>>().notNull().default({}),
    phoneLabels: jsonb('phone_labels').$type<Record<string, string>>().notNull().default({}),
    /**
     * The phones in E.164 form (the account's country as default; digits only when a number cannot
     * be read), kept by the contacts service on write: duplicate detection joins on its index.
     */
    phonesE164: text('phones_e164').array().notNull().default(sql`'{}'::text[]`),
    lifecycleStage: lifecycleStage('lifecycle_stage').notNull().default('discovery'),
    status: contactStatus('status').notNull().default('active'),
    sentiment: smallint('sentiment'),
    /** improving, steady or declining: the latest 3 interaction scores against the 7 before them (null: too few). */
    sentimentTrend: text('sentiment_trend'),
    engagementTrend: engagementTrend('engagement_trend').notNull().default('unknown'),
    notes: text('notes').notNull().default(''),
    customFields: jsonb('custom_fields').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    socialHandles: jsonb('social_handles').$type<Record<string, string>>().notNull().default({}),
    referralCount: integer('referral_count').notNull().default(0),
    birthday: date('birthday', { mode: 'string' }),
    importantDates: jsonb('important_dates').$type<ImportantDate[]>().notNull().default([]),
    /**
     * Month × 100 + day of the birthday and of every important date (29 February is 229), kept by
     * PostgreSQL (drizzle/0005): the dashboard finds the dates of the coming weeks through its index.
     */
    monthDays: smallint('month_days').array().generatedAlwaysAs(sql`contact_month_days(birthday, important_dates)`),
    /** Overrides the user's cadence for this contact's lifecycle stage. */
    keepInTouchDays: integer('keep_in_touch_days'),
    lastContactAt: ts('last_contact_at'),
    /** Kept off the reconnect list (Today, dashboard, GET /api/reconnect) until this instant. */
    snoozedUntil: ts('snoozed_until'),
    photoId: uuid('photo_id').references((): AnyPgColumn => contactPhotos.id, { onDelete: 'set null' }),
    /** The name lower-cased and without the common accents, kept by PostgreSQL: similar names through its trigram index. */
    nameKey: text('name_key').generatedAlwaysAs(sql`contact_name_key(name)`),
    /** Accent-free, lower-case text of every searchable field, kept by the repository on write. */
    searchText: text('search_text').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (t) => [
    index('contacts_user_name_idx').on(t.userId, sql`lower(${t.name})`, t.id),
    index('contacts_user_last_contact_idx').on(t.userId, sql`coalesce(${t.lastContactAt}, '-infinity'::timestamptz)`, t.id),
    index('contacts_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('contacts_user_sentiment_idx').on(t.userId, sql`coalesce(${t.sentiment}, 0)`, t.id),
    index('contacts_user_stage_idx').on(t.userId, t.lifecycleStage),
    index('contacts_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    index('contacts_emails_idx').using('gin', t.emails),
    index('contacts_month_days_idx').using('gin', t.monthDays),
    index('contacts_phones_e164_idx').using('gin', t.phonesE164),
    index('contacts_name_key_trgm_idx').using('gin', sql`${t.nameKey} gin_trgm_ops`),
  ],
);

export const tags = pgTable(
  'tags',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull().default('#0d9488'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('tags_user_name_uq').on(t.userId, sql`lower(${t.name})`)],
);

export const contactTags = pgTable(
  'contact_tags',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tagId] }), index('contact_tags_tag_idx').on(t.tagId, t.contactId)],
);

export const consentPurpose = pgEnum('consent_purpose', CONSENT_PURPOSES);
export const consentMethod = pgEnum('consent_method', CONSENT_METHODS);

/**
 * The consent ledger (drizzle/0009): one entry per decision, appended and never edited (a trigger
 * refuses changes to an entry's content; only contact_id may move, for merges). A contact's current
 * state for a purpose is its latest entry (recorded_at, then seq), granted and not expired:
 * modules/consent/consent.repo.ts reads it, and the contact's hasAiConsent / hasPhotoConsent are
 * derived from it.
 */
export const consents = pgTable(
  'consents',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    purpose: consentPurpose('purpose').notNull(),
    isGranted: boolean('is_granted').notNull(),
    method: consentMethod('method').notNull(),
    /** Evidence: where the decision was given (bounded by LIMITS.consent.noteChars). */
    note: text('note').notNull().default(''),
    /** Evidence: a signed form, a scanned page, an email kept as a file (uploaded first). */
    evidenceId: uuid('evidence_id').references((): AnyPgColumn => consentEvidence.id),
    expiresAt: ts('expires_at'),
    recordedBy: uuid('recorded_by').references(() => users.id, { onDelete: 'cascade' }),
    recordedAt: ts('recorded_at').notNull().default(sql`now()`),
    /** Orders entries recorded at the same instant (one transaction, one now()). */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    index('consents_latest_idx').on(t.contactId, t.purpose, t.recordedAt, t.seq),
    index('consents_history_idx').on(t.contactId, t.recordedAt, t.seq),
    index('consents_user_idx').on(t.userId),
    check('consents_note_len', sql`char_length(${t.note}) <= 1000`),
  ],
);

/**
 * A file that shows a consent decision (a signed intake form, a photo of a page, a saved email):
 * uploaded for a contact, then named by the ledger entries that rest on it. Removed with the
 * contact (erasure), moved with it (merge), exported as a file.
 */
export const consentEvidence = pgTable(
  'consent_evidence',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    mimeType: text('mime_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    sha256: text('sha256').notNull(),
    data: bytea('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('consent_evidence_contact_idx').on(t.contactId, t.createdAt), index('consent_evidence_user_idx').on(t.userId)],
);
