import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps, log }) => {
  const queued = await deps.services.calendarSync.scheduleAll();
  const gmail = await deps.services.gmailSync.scheduleAll();
  log.info({ queued, gmail }, 'calendar and gmail syncs queued');
};
