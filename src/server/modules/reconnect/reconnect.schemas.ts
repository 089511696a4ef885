import { z } from 'zod';
import { LIMITS } from '../../platform/limits.js';
import { LIFECYCLE_STAGES } from '../../db/schema/index.js';

export const listReconnectQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(LIMITS.page.maxSize, `must be at most ${LIMITS.page.maxSize}`)
    .default(LIMITS.page.defaultSize),
  cursor: z.string().max(1000).optional(),
});
export type ListReconnectQuery = z.output<typeof listReconnectQuery>;

export const reconnectItem = z.object({
  contact: z.object({
    id: z.uuid(),
    name: z.string(),
    photoUrl: z.string().nullable(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    lastContactAt: z.string().nullable(),
  }),
  cadenceDays: z.number(),
  daysSinceContact: z.number(),
  overdueDays: z.number(),
});
export const reconnectPageResponse = z.object({ items: z.array(reconnectItem), nextCursor: z.string().nullable() });
