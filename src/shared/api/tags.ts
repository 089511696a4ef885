import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { LIMITS } from '../../server/platform/limits.js';
import { uuidId } from './ids.js';

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #0d9488');
const name = z.string().trim().min(1, 'is required').max(60);

export const createTagBody = z.strictObject({ name, color: color.optional() });
export const updateTagBody = z.strictObject({ name: name.optional(), color: color.optional() });
export const mergeTagBody = z.strictObject({ intoTagId: uuidId('must be a tag id (UUID)') });
export const tagIdParams = z.strictObject({ id: uuidId('must be a tag id (UUID)') });
export const listTagsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.page.maxSize).default(LIMITS.page.maxSize),
  cursor: z.string().max(1000).optional(),
});

export const tagResponse = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  color: z.string(),
  contactCount: z.number(),
  createdAt: dateTimeOut,
});
export const tagPageResponse = z.strictObject({ items: z.array(tagResponse), nextCursor: z.string().nullable() });

export type Tag = z.infer<typeof tagResponse>;
