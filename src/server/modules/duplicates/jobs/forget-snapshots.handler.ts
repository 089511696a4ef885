import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<Record<string, never>> = async (_payload, { deps }) => {
  await deps.services.duplicates.forgetExpiredSnapshots();
};
