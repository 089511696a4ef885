import { z } from 'zod';
import { recordVersion, versionBodyField } from './versions.js';
import { uuidId } from './ids.js';
import { dateTimeOut, isoDateTime } from './dates.js';
import { boolParam, csvList, pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';
import { TASK_OWNERS, TASK_PRIORITIES, TASK_STATUSES } from '../domain.js';

export const TASK_SORTS = ['position', 'due', 'created', 'priority'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

const T = LIMITS.text;
const minutes = z.number().int('must be a whole number of minutes').min(0).max(LIMITS.task.minutes).nullable();
const pageFields = {
  ...pageQueryFields,
};

const taskFields = {
  title: z.string().trim().min(1, 'is required').max(T.short),
  description: z.string().max(T.notes),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  owner: z.enum(TASK_OWNERS),
  dueAt: isoDateTime.nullable(),
  estimatedMinutes: minutes,
  actualMinutes: minutes,
  projectId: uuidId('must be a project id (UUID)').nullable(),
  parentTaskId: uuidId('must be a task id (UUID)').nullable(),
  contactIds: z
    .array(uuidId('must be contact ids (UUIDs)'))
    .max(LIMITS.task.contacts, `at most ${LIMITS.task.contacts} contacts per task`)
    .transform((ids) => [...new Set(ids)]),
};
const taskObject = z.strictObject(taskFields);
export const createTaskBody = taskObject.partial().required({ title: true });
const taskPatch = taskObject.partial();
export const updateTaskBody = taskPatch.extend(versionBodyField);
export type TaskInput = z.output<typeof taskPatch>;

const anchor = uuidId('must be a task id (UUID) or null').nullable().optional();
export const moveTaskBody = z
  .strictObject({ beforeId: anchor, afterId: anchor })
  .refine((b) => b.beforeId !== undefined || b.afterId !== undefined, {
    message:
      'give beforeId (the task to go before; null for the end of the list) and/or afterId (the task to go after; null for the start)',
  })
  .refine((b) => !(b.beforeId === null && b.afterId === null), { message: 'beforeId and afterId cannot both be null' })
  .refine((b) => !b.beforeId || b.beforeId !== b.afterId, { message: 'beforeId and afterId must be different tasks' });
export type MoveInput = z.output<typeof moveTaskBody>;

export const listTasksQuery = z
  .strictObject({
    ...pageFields,
    status: csvList.pipe(z.array(z.enum(TASK_STATUSES))).optional(),
    priority: csvList.pipe(z.array(z.enum(TASK_PRIORITIES))).optional(),
    projectId: uuidId('must be a project id (UUID)').optional(),
    contactId: uuidId('must be a contact id (UUID)').optional(),
    dueFrom: isoDateTime.optional(),
    dueTo: isoDateTime.optional(),
    parentTaskId: uuidId('must be a task id (UUID)').optional(),
    topLevel: boolParam.optional(),
    sort: z.enum(TASK_SORTS).default('position'),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .refine((q) => q.parentTaskId === undefined || q.topLevel === undefined, {
    message: 'use either parentTaskId or topLevel, not both',
    path: ['topLevel'],
  })
  .refine((q) => !q.dueFrom || !q.dueTo || Date.parse(q.dueFrom) <= Date.parse(q.dueTo), {
    message: 'must not be before dueFrom',
    path: ['dueTo'],
  });
export type ListTasksQuery = z.output<typeof listTasksQuery>;

export const analyticsQuery = z.strictObject({ projectId: uuidId('must be a project id (UUID)').optional() });
export const activityQuery = z.strictObject(pageFields);
export const taskIdParams = z.strictObject({ id: uuidId('must be a task id (UUID)') });

export const taskResponse = z.strictObject({
  version: recordVersion,
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  owner: z.enum(TASK_OWNERS),
  dueAt: dateTimeOut.nullable(),
  estimatedMinutes: z.number().nullable(),
  actualMinutes: z.number().nullable(),
  position: z.number(),
  projectId: z.uuid().nullable(),
  project: z.strictObject({ id: z.uuid(), name: z.string(), color: z.string() }).nullable(),
  parentTaskId: z.uuid().nullable(),
  subtaskCounts: z.strictObject({ total: z.number(), completed: z.number() }),
  contacts: z.array(z.strictObject({ id: z.uuid(), name: z.string(), photoUrl: z.string().nullable() })),
  completedAt: dateTimeOut.nullable(),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
});
export const taskDetailResponse = taskResponse.extend({ subtasks: z.array(taskResponse) });
export const taskPageResponse = z.strictObject({ items: z.array(taskResponse), nextCursor: z.string().nullable() });
const countsByStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, z.number()])) as Record<(typeof TASK_STATUSES)[number], z.ZodNumber>;
export const analyticsResponse = z.strictObject({
  byStatus: z.strictObject(countsByStatus),
  total: z.number(),
  overdue: z.number(),
  dueToday: z.number(),
  completionRate: z.number().nullable(),
  meanMinutesToComplete: z.number().nullable(),
});
export const activityPageResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.uuid(),
      action: z.string(),
      actor: z.enum(TASK_OWNERS),
      changes: z.record(z.string(), z.strictObject({ from: z.unknown(), to: z.unknown() })),
      createdAt: dateTimeOut,
    }),
  ),
  nextCursor: z.string().nullable(),
});

export type Task = z.infer<typeof taskResponse>;
export type TaskDetail = z.infer<typeof taskDetailResponse>;
export type TaskActivity = z.infer<typeof activityPageResponse>['items'][number];
export type TaskAnalytics = z.infer<typeof analyticsResponse>;
export type TaskBody = z.input<typeof createTaskBody>;
