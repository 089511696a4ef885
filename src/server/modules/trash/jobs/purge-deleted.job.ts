import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Soft-deleted rows past the undo window are removed for good, every few minutes. */
export const purgeDeletedJob = defineAppJob({
  name: 'trash.purge-deleted',
  version: 1,
  payload: z.strictObject({}),
  cron: '*/5 * * * *',
  singletonKey: () => 'all',
  load: () => import('./purge-deleted.handler.js'),
});
