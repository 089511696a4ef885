import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';

export const calendarEvents = pgTable(
  'calendar_events',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 'google' or 'ics'; externalId is Google's event id or the ICS UID (+ recurrence id). */
    source: text('source').notNull().default('google'),
    externalId: text('external_id').notNull(),
    calendarId: text('calendar_id').notNull().default('primary'),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    title: text('title').notNull().default(''),
    description: text('description').notNull().default(''),
    location: text('location').notNull().default(''),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at'),
    isAllDay: boolean('is_all_day').notNull().default(false),
    status: text('status').notNull().default('confirmed'),
    attendees: jsonb('attendees').$type<{ email: string; name?: string; responseStatus?: string }[]>().notNull().default([]),
    recurringEventId: text('recurring_event_id'),
    etag: text('etag'),
    /** AI classification (session type, is_client_session …); null until classified. */
    classification: jsonb('classification').$type<Record<string, unknown>>(),
    isProcessed: boolean('is_processed').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('calendar_events_external_uq').on(t.userId, t.source, t.externalId),
    index('calendar_events_user_starts_idx').on(t.userId, t.startsAt),
    index('calendar_events_contact_idx').on(t.contactId),
  ],
);

export const EMAIL_DIRECTIONS = ['inbound', 'outbound'] as const;
export const emailDirection = pgEnum('email_direction', EMAIL_DIRECTIONS);

export const emails = pgTable(
  'emails',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    gmailMessageId: text('gmail_message_id').notNull(),
    threadId: text('thread_id').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** Every contact the message is linked to (to or from them, with email_ingestion consent); contactId is the first. */
    contactIds: uuid('contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    direction: emailDirection('direction').notNull(),
    fromAddress: text('from_address').notNull(),
    toAddresses: text('to_addresses').array().notNull().default(sql`'{}'::text[]`),
    subject: text('subject').notNull().default(''),
    snippet: text('snippet').notNull().default(''),
    bodyText: text('body_text').notNull().default(''),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    sentAt: ts('sent_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('emails_message_uq').on(t.userId, t.gmailMessageId),
    index('emails_user_sent_idx').on(t.userId, t.sentAt),
    index('emails_thread_idx').on(t.userId, t.threadId, t.sentAt),
    index('emails_contact_idx').on(t.contactId),
    index('emails_contact_ids_idx').using('gin', t.contactIds),
  ],
);

export const SYNC_PROVIDERS = ['google_calendar', 'gmail', 'google_drive', 'ics', 'csv', 'vcard'] as const;
export const syncProvider = pgEnum('sync_provider', SYNC_PROVIDERS);

export const syncState = pgTable(
  'sync_state',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: syncProvider('provider').notNull(),
    /** Calendar id, Drive folder id …; '' when the provider has one stream per user. */
    resourceId: text('resource_id').notNull().default(''),
    syncToken: text('sync_token'),
    pageToken: text('page_token'),
    status: text('status').notNull().default('idle'),
    lastError: text('last_error'),
    itemsSynced: integer('items_synced').notNull().default(0),
    stats: jsonb('stats').$type<Record<string, number>>().notNull().default({}),
    lastStartedAt: ts('last_started_at'),
    lastSyncedAt: ts('last_synced_at'),
    /** The job of the run queued or running (its progress is streamed by GET /api/sync/jobs/:id/events). */
    jobId: text('job_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('sync_state_uq').on(t.userId, t.provider, t.resourceId)],
);
