import type { AppJobHandler } from '../../../app-jobs.js';

/** The import's job failed for good: its status turns failed, with a message, where the user looks. */
export const handle: AppJobHandler<{ importId: string }> = async (payload, { deps }) => {
  await deps.services.imports.failInterrupted(payload.importId);
};
