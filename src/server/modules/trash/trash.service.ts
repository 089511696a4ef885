import { LIMITS } from '../../platform/limits.js';
import type { TrashRepo } from './trash.repo.js';

type Deps = { repo: TrashRepo; clock: () => Date; onChange: (userId: string) => Promise<void> };

/**
 * Deleted timeline entries, goals, tasks and photos stay restorable (Undo) for
 * LIMITS.trash.purgeAfterMinutes, then the purge job removes them for good.
 */
export function createTrashService({ repo, clock, onChange }: Deps) {
  return {
    /** Removes every row soft-deleted longer ago than the undo window, in bounded batches. */
    async purgeExpired(): Promise<number> {
      const cutoff = new Date(clock().getTime() - LIMITS.trash.purgeAfterMinutes * 60_000);
      let total = 0;
      for (let round = 0; round < LIMITS.trash.purgeRounds; round++) {
        const { userIds, rows } = await repo.purge(cutoff, LIMITS.trash.purgeBatchRows);
        total += rows;
        for (const userId of userIds) await onChange(userId);
        if (rows === 0) break;
      }
      return total;
    },
  };
}
