import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';
import { LIMITS } from '../../../platform/limits.js';

/** One calendar sync of one user; one at a time per user (and at most one more waiting). */
export const calendarSyncJob = defineAppJob({
  name: 'google.calendar-sync',
  version: 1,
  payload: z.strictObject({ userId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 30 },
  singletonKey: (p) => `calendar:${p.userId}`,
  load: () => import('./calendar-sync.handler.js'),
});

/** Every interval (LIMITS.google.syncIntervalMinutes), queues each connected user's Calendar, Gmail and Drive syncs at their own offset in it. */
export const calendarSyncScheduleJob = defineAppJob({
  name: 'google.calendar-sync-schedule',
  version: 1,
  payload: z.strictObject({}),
  retry: { limit: 1, delaySeconds: 60 },
  singletonKey: () => 'schedule',
  cron: `*/${LIMITS.google.syncIntervalMinutes} * * * *`,
  load: () => import('./calendar-sync-schedule.handler.js'),
});
