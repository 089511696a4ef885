import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/**
 * Classifies a user's new and changed calendar events in the background: queued by the Google
 * calendar sync and the ICS imports and subscriptions after they stored new or changed events.
 * One running and at most one waiting per user; nothing waits for it.
 */
export const classifyEventsJob = defineAppJob({
  name: 'ai.classify-events',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 3, delaySeconds: 60 },
  singletonKey: (p) => `classify:${p.userId}`,
  load: () => import('./classify-events.handler.js'),
});
