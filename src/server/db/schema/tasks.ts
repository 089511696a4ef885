import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt, version } from './columns.js';
import { users } from './users.js';
import { contacts } from './contacts.js';
import { TASK_OWNERS, TASK_PRIORITIES, TASK_STATUSES } from '../../../shared/domain.js';

export { TASK_STATUSES, TASK_PRIORITIES, TASK_OWNERS } from '../../../shared/domain.js';
export const taskStatus = pgEnum('task_status', TASK_STATUSES);
export const taskPriority = pgEnum('task_priority', TASK_PRIORITIES);
export const taskOwner = pgEnum('task_owner', TASK_OWNERS);

export const projects = pgTable(
  'projects',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    color: text('color').notNull().default('#0d9488'),
    isArchived: boolean('is_archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (t) => [index('projects_user_idx').on(t.userId, t.isArchived, sql`lower(${t.name})`)],
);

export const tasks = pgTable(
  'tasks',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    projectId: uuid('project_id').references(() => projects.id, { onDelete: 'cascade' }),
    parentTaskId: uuid('parent_task_id').references((): AnyPgColumn => tasks.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: taskStatus('status').notNull().default('pending'),
    priority: taskPriority('priority').notNull().default('medium'),
    owner: taskOwner('owner').notNull().default('user'),
    dueAt: ts('due_at'),
    estimatedMinutes: integer('estimated_minutes'),
    actualMinutes: integer('actual_minutes'),
    /** Fractional ordering: a move writes one row. */
    position: doublePrecision('position').notNull().default(0),
    completedAt: ts('completed_at'),
    aiSuggestionId: uuid('ai_suggestion_id'),
    /** Soft delete: set when the user deletes the row (Undo clears it); purged for good later. */
    deletedAt: ts('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    version: version(),
  },
  (t) => [
    index('tasks_user_status_idx').on(t.userId, t.status, t.position, t.id),
    index('tasks_user_due_idx').on(t.userId, t.dueAt),
    index('tasks_project_idx').on(t.projectId, t.position),
    index('tasks_parent_idx').on(t.parentTaskId),
    index('tasks_deleted_idx').on(t.deletedAt).where(sql`deleted_at is not null`),
  ],
);

export const taskContacts = pgTable(
  'task_contacts',
  {
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.contactId] }), index('task_contacts_contact_idx').on(t.contactId)],
);

export const taskActivities = pgTable(
  'task_activities',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    actor: taskOwner('actor').notNull().default('user'),
    action: text('action').notNull(),
    changes: jsonb('changes').$type<Record<string, { from: unknown; to: unknown }>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('task_activities_task_idx').on(t.taskId, t.createdAt)],
);
