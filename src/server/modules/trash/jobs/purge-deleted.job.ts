import type { JobSpec } from '../../../platform/jobs.js';
import type { TrashService } from '../trash.service.js';

export const PURGE_DELETED_JOB = 'trash.purge-deleted';

/** Soft-deleted rows past the undo window are removed for good, every few minutes. */
export function purgeDeletedJob(trash: TrashService): JobSpec {
  return {
    name: PURGE_DELETED_JOB,
    cron: '*/5 * * * *',
    policy: 'singleton',
    handler: async () => {
      await trash.purgeExpired();
    },
  };
}
