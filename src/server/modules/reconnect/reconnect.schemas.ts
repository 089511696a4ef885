import { z } from 'zod';
import { pageQueryFields } from '../../platform/http/page-query.js';
import { LIFECYCLE_STAGES } from '../../db/schema/index.js';

export const listReconnectQuery = z.strictObject({
  ...pageQueryFields,
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
