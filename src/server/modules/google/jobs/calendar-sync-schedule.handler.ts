import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps, log }) => {
  const queued = await deps.services.calendarSync.scheduleAll();
  const gmail = await deps.services.gmailSync.scheduleAll();
  const drive = await deps.services.driveSync.scheduleAll();
  log.info({ queued, gmail, drive }, 'calendar, gmail and drive syncs queued');
};
