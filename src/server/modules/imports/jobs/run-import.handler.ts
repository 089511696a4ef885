import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<{ importId: string }> = async (payload, { deps, log }) => {
  await deps.services.imports.run(payload.importId, log);
};
