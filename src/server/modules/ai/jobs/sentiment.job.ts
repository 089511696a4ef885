import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Scores a user's new interactions in the background (queued when interactions are created), then their contacts' sentiment and trend. */
export const sentimentJob = defineAppJob({
  name: 'ai.sentiment',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 3, delaySeconds: 60 },
  singletonKey: (p) => `sentiment:${p.userId}`,
  load: () => import('./sentiment.handler.js'),
});
