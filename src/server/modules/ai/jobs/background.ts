import { AppError } from '../../../platform/errors.js';
import { LIMITS } from '../../../platform/limits.js';

/**
 * Runs a bounded AI run again while it says more is waiting (at most LIMITS.ai.backgroundMaxRuns).
 * A spent budget ends the job quietly (the next change queues it again); a provider failure throws,
 * so pg-boss retries with backoff.
 */
export async function runWhileRemaining(run: () => Promise<{ remaining: boolean }>): Promise<number> {
  let runs = 0;
  try {
    while (runs < LIMITS.ai.backgroundMaxRuns) {
      runs++;
      if (!(await run()).remaining) break;
    }
  } catch (err) {
    if (err instanceof AppError && err.code === 'rate_limited' && (err.details as { period?: string } | undefined)?.period) return runs;
    throw err;
  }
  return runs;
}
