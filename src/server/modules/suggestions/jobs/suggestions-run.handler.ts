import type { AppJobHandler } from '../../../app-jobs.js';

export const handle: AppJobHandler<{ userId: string }> = async ({ userId }, { deps, log }) => {
  const run = await deps.services.suggestions.run(userId, log);
  log.info({ proposed: run.proposed, madeWithoutModel: run.madeWithoutModel }, 'suggestions computed');
};
