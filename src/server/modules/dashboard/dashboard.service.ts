import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { PracticeCache } from '../../platform/practice-cache.js';
import type { Actor } from '../../platform/http/types.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { DashboardRepo } from './dashboard.repo.js';

type Deps = { repo: DashboardRepo; cache: PracticeCache; clock: () => Date };

export function createDashboardService({ repo, cache, clock }: Deps) {
  const entry = (userId: string) => ({
    name: 'dashboard',
    ttlMs: LIMITS.cache.dashboardTtlMs,
    compute: () => repo.computeStats(userId, clock(), DEFAULT_KEEP_IN_TOUCH_DAYS),
  });
  // Every write makes the next dashboard read cold: a write of someone who reads it starts the new one.
  cache.refreshAfterWrites('dashboard', entry);
  return {
    /** The practice figures as JSON text: from the per-user cache, or one SQL statement. */
    async stats(actor: Actor): Promise<Buffer> {
      const { name, ttlMs, compute } = entry(actor.userId);
      const json = await cache.read(actor.userId, name, ttlMs, compute);
      if (json === undefined) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      return json;
    },
  };
}
