import { z } from 'zod';
import { recordVersion, versionBodyField } from './versions.js';
import { uuidId } from './ids.js';
import { dateOut, dateTimeOut, isoDate } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';
import { GOAL_STATUSES } from '../domain.js';

const T = LIMITS.text;
const MAX_VALUE = 1_000_000_000_000;
const status = z.enum(GOAL_STATUSES, { message: `must be one of ${GOAL_STATUSES.join(', ')}` });
// Six decimal places at most: a value such as 1.5e-323 is no amount a practitioner tracks, and
// PostgreSQL's numeric would store it with hundreds of digits (found by the API fuzzer). `multipleOf`
// documents the rule in the OpenAPI schema; zod's check of it tolerates float error, the refinement not.
const DECIMALS = 'must have at most 6 decimal places';
const sixDecimals = (v: number) => Number(v.toFixed(6)) === v;
const amount = z
  .number()
  .min(0, 'must be zero or more')
  .max(MAX_VALUE, 'is too large')
  .multipleOf(0.000001, DECIMALS)
  .refine(sixDecimals, DECIMALS);

const goalFields = {
  title: z.string().trim().min(1, 'is required').max(T.name, `must be at most ${T.name} characters`),
  description: z.string().max(T.notes, `must be at most ${T.notes} characters`),
  targetValue: z
    .number()
    .gt(0, 'must be more than zero (or null for a goal without a number)')
    .max(MAX_VALUE, 'is too large')
    .multipleOf(0.000001, DECIMALS)
    .refine(sixDecimals, DECIMALS)
    .nullable(),
  currentValue: amount,
  unit: z.string().trim().max(50, 'must be at most 50 characters'),
  status,
  deadline: isoDate.nullable(),
};

export const createGoalBody = z.strictObject({
  contactId: uuidId('must be a contact id (UUID)'),
  title: goalFields.title,
  description: goalFields.description.default(''),
  targetValue: goalFields.targetValue.default(null),
  currentValue: goalFields.currentValue.default(0),
  unit: goalFields.unit.default(''),
  status: goalFields.status.default('active'),
  deadline: goalFields.deadline.default(null),
});
export type CreateGoalInput = z.output<typeof createGoalBody>;

const goalPatch = z.strictObject(goalFields).partial();
export const updateGoalBody = goalPatch.extend(versionBodyField);
export type UpdateGoalInput = z.output<typeof goalPatch>;

export const listGoalsQuery = z.strictObject({
  status: status.optional(),
  ...pageQueryFields,
});
export type ListGoalsQuery = z.output<typeof listGoalsQuery>;

export const goalIdParams = z.strictObject({ id: uuidId('must be a goal id (UUID)') });
export const contactIdParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });

export const goalResponse = z.strictObject({
  version: recordVersion,
  id: z.uuid(),
  contactId: z.uuid(),
  title: z.string(),
  description: z.string(),
  targetValue: z.number().nullable(),
  currentValue: z.number(),
  unit: z.string(),
  status,
  deadline: dateOut.nullable(),
  completedAt: dateTimeOut.nullable(),
  progress: z.number().nullable(),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
  contact: z.strictObject({ id: z.uuid(), name: z.string() }),
});
export const goalPageResponse = z.strictObject({ items: z.array(goalResponse), nextCursor: z.string().nullable() });

export type Goal = z.infer<typeof goalResponse>;
export type GoalBody = z.input<typeof createGoalBody>;
export type GoalPatch = z.input<typeof updateGoalBody>;
