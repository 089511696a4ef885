import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { LIFECYCLE_STAGES } from '../domain.js';

export const listReconnectQuery = z.strictObject({
  ...pageQueryFields,
});
export type ListReconnectQuery = z.output<typeof listReconnectQuery>;

export const reconnectItem = z.strictObject({
  contact: z.strictObject({
    id: z.uuid(),
    name: z.string(),
    photoUrl: z.string().nullable(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    lastContactAt: dateTimeOut.nullable(),
  }),
  cadenceDays: z.number(),
  daysSinceContact: z.number(),
  overdueDays: z.number(),
});
export const reconnectPageResponse = z.strictObject({ items: z.array(reconnectItem), nextCursor: z.string().nullable() });

export type ReconnectItem = z.infer<typeof reconnectItem>;
