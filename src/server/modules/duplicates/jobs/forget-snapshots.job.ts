import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Merge snapshots hold the merged-away contacts' rows: emptied once the merge can no longer be undone, every hour. */
export const forgetMergeSnapshotsJob = defineAppJob({
  name: 'duplicates.forget-merge-snapshots',
  version: 1,
  payload: z.strictObject({}),
  cron: '41 * * * *',
  singletonKey: () => 'all',
  load: () => import('./forget-snapshots.handler.js'),
});
