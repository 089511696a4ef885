import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Every few minutes: fetches the calendar subscriptions whose hour has come (ETag/Last-Modified make most of them a 304). */
export const refreshSubscriptionsJob = defineAppJob({
  name: 'calendar.refresh-subscriptions',
  version: 1,
  payload: z.strictObject({}),
  cron: '*/5 * * * *',
  singletonKey: () => 'all',
  load: () => import('./refresh-subscriptions.handler.js'),
});
