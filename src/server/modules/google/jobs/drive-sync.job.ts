import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** One Drive sync of one user; one at a time per user (and at most one more waiting). */
export const driveSyncJob = defineAppJob({
  name: 'google.drive-sync',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 30 },
  singletonKey: (p) => `drive:${p.userId}`,
  load: () => import('./drive-sync.handler.js'),
});
