import type { AppJobHandler } from '../../../app-jobs.js';
import { runWhileRemaining } from './background.js';

export const handle: AppJobHandler<{ userId: string }> = async ({ userId }, { deps }) => {
  await runWhileRemaining(async () => {
    // A job acts for the user without a session.
    const run = await deps.services.ai.runSentiment({ userId, sessionIdHash: '' });
    // Interactions left only for lack of consent are not progress: stop rather than read them again.
    return { remaining: run.remaining && run.scored > 0 };
  });
};
