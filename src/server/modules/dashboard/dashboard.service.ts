import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { PracticeCache } from '../../platform/practice-cache.js';
import type { Actor } from '../../platform/http/types.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { DashboardRepo } from './dashboard.repo.js';

type Deps = { repo: DashboardRepo; cache: PracticeCache; clock: () => Date };

export function createDashboardService({ repo, cache, clock }: Deps) {
  return {
    /** The practice figures as JSON text: from the per-user cache, or one SQL statement. */
    async stats(actor: Actor): Promise<Buffer> {
      const json = await cache.read(actor.userId, 'dashboard', LIMITS.cache.dashboardTtlMs, () =>
        repo.computeStats(actor.userId, clock(), DEFAULT_KEEP_IN_TOUCH_DAYS),
      );
      if (json === undefined) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      return json;
    },
  };
}
