import { index, jsonb, pgTable, text, uuid, boolean } from 'drizzle-orm/pg-core';
import { createdAt, id, ts, updatedAt } from './columns.js';
import { users } from './users.js';
import { tasks } from './tasks.js';

/** One segment of a delegation proposal: who it is for, the subtask it becomes, the email draft. */
export type DelegationSegment = {
  key: string;
  label: string;
  contactIds: string[];
  include: boolean;
  subtaskTitle: string;
  subject: string;
  body: string;
};

/**
 * A task split into subtasks per client segment (tag or lifecycle stage), with an email draft per
 * segment (migration 0025). Nothing exists beyond this row until the user approves it: approving
 * creates the subtasks through the tasks service; the drafts are never sent.
 */
export const taskDelegations = pgTable(
  'task_delegations',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    taskId: uuid('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    /** proposed, approving (claimed by an approve in progress), approved or discarded. */
    status: text('status').notNull().default('proposed'),
    segmentBy: text('segment_by').notNull(),
    segments: jsonb('segments').$type<DelegationSegment[]>().notNull(),
    model: text('model').notNull(),
    createdTaskIds: uuid('created_task_ids').array(),
    madeWithoutModel: boolean('made_without_model').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    decidedAt: ts('decided_at'),
  },
  (t) => [index('task_delegations_user_task_idx').on(t.userId, t.taskId, t.createdAt)],
);
