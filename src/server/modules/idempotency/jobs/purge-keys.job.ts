import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Idempotency-Key answers older than 24 hours are removed, every hour. */
export const purgeIdempotencyKeysJob = defineAppJob({
  name: 'idempotency.purge-keys',
  version: 1,
  payload: z.strictObject({}),
  cron: '17 * * * *',
  singletonKey: () => 'all',
  load: () => import('./purge-keys.handler.js'),
});
