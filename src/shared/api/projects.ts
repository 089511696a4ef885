import { z } from 'zod';
import { recordVersion, versionBodyField } from './versions.js';
import { dateTimeOut } from './dates.js';
import { uuidId } from './ids.js';
import { pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0d9488');
const name = z.string().trim().min(1, 'is required').max(LIMITS.text.name);

export const createProjectBody = z.strictObject({ name, color: color.optional() });
export const updateProjectBody = z.strictObject({
  name: name.optional(),
  color: color.optional(),
  isArchived: z.boolean().optional(),
  ...versionBodyField,
});
export const projectIdParams = z.strictObject({ id: uuidId('must be a project id (UUID)') });
export const listProjectsQuery = z.strictObject({
  archived: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true')
    .optional(),
  ...pageQueryFields,
});

export const projectResponse = z.strictObject({
  version: recordVersion,
  id: z.uuid(),
  name: z.string(),
  color: z.string(),
  isArchived: z.boolean(),
  taskCounts: z.strictObject({ total: z.number(), open: z.number(), completed: z.number() }),
  createdAt: dateTimeOut,
  updatedAt: dateTimeOut,
});
export const projectPageResponse = z.strictObject({ items: z.array(projectResponse), nextCursor: z.string().nullable() });
export const projectDeletePreviewResponse = z.strictObject({ tasks: z.number() });

export type Project = z.infer<typeof projectResponse>;
