import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
  date,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt, version } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';
import { GOAL_STATUSES, INTERACTION_SOURCES, INTERACTION_TYPES } from '../../../shared/domain.js';

export { INTERACTION_TYPES, INTERACTION_SOURCES, GOAL_STATUSES } from '../../../shared/domain.js';
export const interactionType = pgEnum('interaction_type', INTERACTION_TYPES);
export const interactionSource = pgEnum('interaction_source', INTERACTION_SOURCES);

export const interactions = pgTable(
  'interactions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    type: interactionType('type').notNull(),
    subject: text('subject').notNull().default(''),
    content: text('content').notNull().default(''),
    occurredAt: ts('occurred_at').notNull(),
    source: interactionSource('source').notNull().default('manual'),
    /** The provider's id (event id, message id, import row key): unique per user and source. */
    sourceId: text('source_id'),
    sentiment: smallint('sentiment'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** A private note (API field `private`): shown to the user only, never part of any AI prompt. */
    isPrivate: boolean('is_private').notNull().default(false),
    /** Soft delete: set when the user deletes the row (Undo clears it); purged for good later. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (t) => [
    uniqueIndex('interactions_source_uq').on(t.userId, t.source, t.sourceId),
    // type is carried so the dashboard's weekly counts read the index alone.
    index('interactions_user_occurred_idx').on(t.userId, t.occurredAt, t.id, t.type),
    index('interactions_contact_occurred_idx').on(t.contactId, t.occurredAt, t.id),
    index('interactions_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
  ],
);

/**
 * How many interactions of each type a user had on each local day (in the user's time zone). Kept
 * by triggers on interactions and on users.timezone (drizzle/0004), so it changes in the same
 * transaction as the rows it counts, whoever writes them (services, syncs, imports, cascades).
 * The dashboard's weekly figures sum a few hundred of these instead of counting every interaction.
 */
export const interactionDayCounts = pgTable(
  'interaction_day_counts',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
    type: interactionType('type').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day, t.type] })],
);

export const goalStatus = pgEnum('goal_status', GOAL_STATUSES);

export const goals = pgTable(
  'goals',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    targetValue: numeric('target_value', { mode: 'number' }),
    currentValue: numeric('current_value', { mode: 'number' }).notNull().default(0),
    unit: text('unit').notNull().default(''),
    status: goalStatus('status').notNull().default('active'),
    deadline: date('deadline', { mode: 'string' }),
    completedAt: ts('completed_at'),
    /** Soft delete: set when the user deletes the row (Undo clears it); purged for good later. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (t) => [
    index('goals_contact_idx').on(t.contactId, t.createdAt, t.id),
    index('goals_user_created_idx').on(t.userId, t.createdAt, t.id),
    index('goals_user_status_idx').on(t.userId, t.status, t.createdAt, t.id),
    index('goals_user_completed_idx').on(t.userId, sql`${t.completedAt}`),
    index('goals_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
  ],
);
