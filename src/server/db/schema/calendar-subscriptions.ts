import { sql } from 'drizzle-orm';
import { index, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { SUBSCRIPTION_STATUSES, type CalendarCounts } from '../../../shared/api/imports.js';

export const subscriptionStatus = pgEnum('calendar_subscription_status', SUBSCRIPTION_STATUSES);

/**
 * A calendar (ICS) URL fetched on a schedule: its validators (ETag, Last-Modified) so an unchanged
 * feed costs a 304, and how the last fetch went. Its entries are interactions keyed
 * `icsfeed:<id>:…` (source 'import').
 */
export const calendarSubscriptions = pgTable(
  'calendar_subscriptions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    status: subscriptionStatus('status').notNull().default('pending'),
    /** Why the last fetch failed, in words for the user (never the server's answer). */
    lastError: text('last_error'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    lastCounts: jsonb('last_counts').$type<CalendarCounts | null>(),
    lastFetchedAt: ts('last_fetched_at'),
    nextFetchAt: ts('next_fetch_at').notNull().default(sql`now()`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('calendar_subscriptions_user_url_idx').on(t.userId, t.url),
    index('calendar_subscriptions_due_idx').on(t.nextFetchAt),
  ],
);
