import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** One calendar sync of one user; one at a time per user (and at most one more waiting). */
export const calendarSyncJob = defineAppJob({
  name: 'google.calendar-sync',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 30 },
  singletonKey: (p) => `calendar:${p.userId}`,
  load: () => import('./calendar-sync.handler.js'),
});
