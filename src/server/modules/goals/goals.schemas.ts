import { z } from 'zod';
import { pageQueryFields } from '../../platform/http/page-query.js';
import { LIMITS } from '../../platform/limits.js';
import { GOAL_STATUSES } from '../../db/schema/index.js';

const T = LIMITS.text;
const MAX_VALUE = 1_000_000_000_000;
const status = z.enum(GOAL_STATUSES, { message: `must be one of ${GOAL_STATUSES.join(', ')}` });
const amount = z.number().min(0, 'must be zero or more').max(MAX_VALUE, 'is too large');

const goalFields = {
  title: z.string().trim().min(1, 'is required').max(T.name, `must be at most ${T.name} characters`),
  description: z.string().max(T.notes, `must be at most ${T.notes} characters`),
  targetValue: z.number().gt(0, 'must be more than zero (or null for a goal without a number)').max(MAX_VALUE, 'is too large').nullable(),
  currentValue: amount,
  unit: z.string().trim().max(50, 'must be at most 50 characters'),
  status,
  // PostgreSQL has no year 0; a deadline outside these years is a typo.
  deadline: z.iso
    .date({ message: 'must be a date as YYYY-MM-DD' })
    .refine((s) => Number(s.slice(0, 4)) >= 1900 && Number(s.slice(0, 4)) <= 2999, 'must be between the years 1900 and 2999')
    .nullable(),
};

export const createGoalBody = z.strictObject({
  contactId: z.uuid({ message: 'must be a contact id (UUID)' }),
  title: goalFields.title,
  description: goalFields.description.default(''),
  targetValue: goalFields.targetValue.default(null),
  currentValue: goalFields.currentValue.default(0),
  unit: goalFields.unit.default(''),
  status: goalFields.status.default('active'),
  deadline: goalFields.deadline.default(null),
});
export type CreateGoalInput = z.output<typeof createGoalBody>;

export const updateGoalBody = z.strictObject(goalFields).partial();
export type UpdateGoalInput = z.output<typeof updateGoalBody>;

export const listGoalsQuery = z.strictObject({
  status: status.optional(),
  ...pageQueryFields,
});
export type ListGoalsQuery = z.output<typeof listGoalsQuery>;

export const goalIdParams = z.strictObject({ id: z.uuid({ message: 'must be a goal id (UUID)' }) });
export const contactIdParams = z.strictObject({ id: z.uuid({ message: 'must be a contact id (UUID)' }) });

export const goalResponse = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  title: z.string(),
  description: z.string(),
  targetValue: z.number().nullable(),
  currentValue: z.number(),
  unit: z.string(),
  status,
  deadline: z.string().nullable(),
  completedAt: z.string().nullable(),
  progress: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  contact: z.object({ id: z.uuid(), name: z.string() }),
});
export const goalPageResponse = z.object({ items: z.array(goalResponse), nextCursor: z.string().nullable() });
