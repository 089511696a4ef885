import type { AppJobHandler } from '../../../app-jobs.js';
import { LIMITS } from '../../../platform/limits.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps }) => {
  await deps.services.calendarSubscriptions.refreshDue(LIMITS.calendarSubscriptions.perRun);
};
