import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps, log }) => {
  const queued = await deps.services.suggestions.scheduleAll();
  log.info({ queued }, 'daily suggestions queued');
};
