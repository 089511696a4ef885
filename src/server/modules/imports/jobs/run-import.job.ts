import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/**
 * Runs one contacts import from its stored file. A retry after a crash resumes after the rows
 * already written (they commit with the import's progress); past its retries the import is marked failed.
 */
export const runImportJob = defineAppJob({
  name: 'imports.run',
  version: 1,
  payload: z.strictObject({ importId: z.uuid() }),
  retry: { limit: 5, delaySeconds: 5 },
  singletonKey: (p) => p.importId,
  load: () => import('./run-import.handler.js'),
  loadFailed: () => import('./import-failed.handler.js'),
});
