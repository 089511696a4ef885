import type { AppJobHandler } from '../../../app-jobs.js';

/** Temporary Google failures throw (pg-boss retries with backoff); anything else is recorded in the sync status. */
export const handle: AppJobHandler<{ userId: string }> = async ({ userId }, { deps, jobId, log }) => {
  await deps.services.driveSync.run(userId, jobId, log);
};
