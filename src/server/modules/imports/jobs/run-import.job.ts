import { z } from 'zod';
import { defineAppJob } from '../../../app-jobs.js';

/** Runs one contacts import from its stored file; a retry after a crash starts the file again (matching makes that safe). */
export const runImportJob = defineAppJob({
  name: 'imports.run',
  version: 1,
  payload: z.strictObject({ importId: z.uuid() }),
  retry: { limit: 2, delaySeconds: 30 },
  singletonKey: (p) => p.importId,
  load: () => import('./run-import.handler.js'),
});
