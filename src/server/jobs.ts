import type { JobRunner } from './platform/jobs.js';
import type { Services } from './services.js';
import { sessionCleanupJob } from './modules/auth/jobs/session-cleanup.job.js';
import { purgeDeletedJob } from './modules/trash/jobs/purge-deleted.job.js';

/** Every job the product runs, registered once; a module with jobs adds a line here. */
export function registerJobs(jobs: JobRunner, services: Services) {
  jobs.register(sessionCleanupJob(services.sessions));
  jobs.register(purgeDeletedJob(services.trash));
}
