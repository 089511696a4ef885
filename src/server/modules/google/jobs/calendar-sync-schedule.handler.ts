import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps, log }) => {
  const queued = await deps.services.calendarSync.scheduleAll();
  log.info({ queued }, 'calendar syncs queued');
};
