import type { AppJobHandler } from '../../../app-jobs.js';
import { runWhileRemaining } from './background.js';

export const handle: AppJobHandler<{ userId: string }> = async ({ userId }, { deps }) => {
  await runWhileRemaining(async () => {
    const run = await deps.services.classifyEvents.run(userId);
    return { remaining: run.remaining && run.classified > 0 };
  });
};
