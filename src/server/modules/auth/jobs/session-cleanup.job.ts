import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Expired sessions are refused at lookup anyway; this keeps the table from growing forever. */
export const sessionCleanupJob = defineAppJob({
  name: 'auth.session-cleanup',
  version: 1,
  payload: z.strictObject({}),
  cron: '17 * * * *',
  singletonKey: () => 'all',
  load: () => import('./session-cleanup.handler.js'),
});
