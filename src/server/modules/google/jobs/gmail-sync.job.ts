import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** One Gmail sync of one user; one at a time per user (and at most one more waiting). */
export const gmailSyncJob = defineAppJob({
  name: 'google.gmail-sync',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 30 },
  singletonKey: (p) => `gmail:${p.userId}`,
  load: () => import('./gmail-sync.handler.js'),
});
