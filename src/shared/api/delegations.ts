import { z } from 'zod';
import { uuidId } from './ids.js';
import { dateTimeOut } from './dates.js';
import { LIMITS } from '../../server/platform/limits.js';

const T = LIMITS.text;
export const DELEGATION_SEGMENT_BY = ['tag', 'stage'] as const;
export const DELEGATION_STATUSES = ['proposed', 'approving', 'approved', 'discarded'] as const;

/** POST /api/tasks/:id/delegate: split by lifecycle stage or by tag (all tags, or the ones named). */
export const delegateTaskBody = z.strictObject({
  by: z.enum(DELEGATION_SEGMENT_BY, { message: "must be 'tag' or 'stage'" }),
  tagIds: z
    .array(uuidId('must be tag ids (UUIDs)'))
    .min(1, 'name at least one tag, or leave tagIds out for every tag')
    .max(LIMITS.delegation.segments, `at most ${LIMITS.delegation.segments} tags`)
    .transform((ids) => [...new Set(ids)])
    .optional(),
});
export type DelegateTaskInput = z.output<typeof delegateTaskBody>;
export const delegationIdParams = z.strictObject({ id: uuidId('must be a delegation id (UUID)') });

/** PATCH /api/delegations/:id: edits of segments by key (leave out what stays). */
export const updateDelegationBody = z.strictObject({
  segments: z
    .array(
      z.strictObject({
        key: z.string().min(1).max(100),
        include: z.boolean().optional(),
        subtaskTitle: z.string().trim().min(1, 'is required').max(T.short).optional(),
        subject: z.string().trim().max(T.short).optional(),
        body: z.string().max(T.notes).optional(),
      }),
    )
    .min(1, 'name at least one segment')
    .max(LIMITS.delegation.segments),
});
export type UpdateDelegationInput = z.output<typeof updateDelegationBody>;

export const delegationResponse = z.strictObject({
  id: z.uuid(),
  taskId: z.uuid(),
  status: z.enum(DELEGATION_STATUSES),
  segmentBy: z.enum(DELEGATION_SEGMENT_BY),
  segments: z.array(
    z.strictObject({
      key: z.string(),
      label: z.string(),
      /** The segment's contacts that still exist (at most LIMITS.task.contacts are linked to its subtask). */
      contacts: z.array(z.strictObject({ id: z.uuid(), name: z.string() })),
      include: z.boolean(),
      subtaskTitle: z.string(),
      /** The email draft: kept for the person to send; nothing is ever sent. */
      subject: z.string(),
      body: z.string(),
    }),
  ),
  model: z.string(),
  madeWithoutModel: z.boolean(),
  /** The subtasks approval created (empty before). */
  createdTaskIds: z.array(z.uuid()),
  createdAt: dateTimeOut,
  decidedAt: dateTimeOut.nullable(),
});
export type Delegation = z.infer<typeof delegationResponse>;
