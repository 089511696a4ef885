import type { JobSpec } from '../../../platform/jobs.js';
import type { SessionStore } from '../session-store.js';

export const SESSION_CLEANUP_JOB = 'auth.session-cleanup';

/** Expired sessions are refused at lookup anyway; this keeps the table from growing forever. */
export function sessionCleanupJob(sessions: SessionStore): JobSpec {
  return {
    name: SESSION_CLEANUP_JOB,
    cron: '17 * * * *',
    policy: 'singleton',
    handler: () => sessions.deleteExpired(),
  };
}
