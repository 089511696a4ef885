import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** One user's suggestions, computed now; one at a time per user (and at most one more waiting). */
export const suggestionsRunJob = defineAppJob({
  name: 'suggestions.run',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 3, delaySeconds: 60 },
  singletonKey: (p) => `suggestions:${p.userId}`,
  load: () => import('./suggestions-run.handler.js'),
});

/** Once a day, queues every user with contacts at their own offset in the day. */
export const suggestionsScheduleJob = defineAppJob({
  name: 'suggestions.schedule',
  version: 1,
  payload: z.strictObject({}),
  retry: { limit: 1, delaySeconds: 300 },
  singletonKey: () => 'schedule',
  cron: '5 0 * * *',
  load: () => import('./suggestions-schedule.handler.js'),
});
