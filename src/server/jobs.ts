import type { JobRunner } from './platform/jobs.js';
import type { JobDeps } from './app-jobs.js';
import { sessionCleanupJob } from './modules/auth/jobs/session-cleanup.job.js';
import { purgeDeletedJob } from './modules/trash/jobs/purge-deleted.job.js';
import { purgeIdempotencyKeysJob } from './modules/idempotency/jobs/purge-keys.job.js';
import { runImportJob } from './modules/imports/jobs/run-import.job.js';
import { calendarSyncJob, calendarSyncScheduleJob } from './modules/google/jobs/calendar-sync.job.js';
import { gmailSyncJob } from './modules/google/jobs/gmail-sync.job.js';
import { driveSyncJob } from './modules/google/jobs/drive-sync.job.js';
import { forgetMergeSnapshotsJob } from './modules/duplicates/jobs/forget-snapshots.job.js';
import { refreshSubscriptionsJob } from './modules/calendar/jobs/refresh-subscriptions.job.js';
import { suggestionsRunJob, suggestionsScheduleJob } from './modules/suggestions/jobs/suggestions.job.js';
import { classifyEventsJob } from './modules/ai/jobs/classify-events.job.js';
import { sentimentJob } from './modules/ai/jobs/sentiment.job.js';

/** Every job the product runs; a module with jobs adds its definitions to this list. */
export const JOBS = [
  sessionCleanupJob,
  purgeDeletedJob,
  purgeIdempotencyKeysJob,
  runImportJob,
  forgetMergeSnapshotsJob,
  calendarSyncJob,
  calendarSyncScheduleJob,
  refreshSubscriptionsJob,
  gmailSyncJob,
  driveSyncJob,
  suggestionsRunJob,
  suggestionsScheduleJob,
  classifyEventsJob,
  sentimentJob,
];

export function registerJobs(runner: JobRunner<JobDeps>) {
  for (const job of JOBS) runner.register(job);
}
