import { AppError } from '../../platform/errors.js';
import type { KeyValueStore } from '../../platform/kv.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../auth/auth.service.js';
import type { DashboardRepo } from './dashboard.repo.js';

type Deps = { repo: DashboardRepo; kv: KeyValueStore; clock: () => Date };

const cacheKey = (userId: string) => `dashboard:${userId}`;
const generationKey = (userId: string) => `dashboard:gen:${userId}`;
// Long enough that a counter never restarts while a cached entry (dashboardTtlMs) is alive.
const GENERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * Drops the user's cached dashboard. The generation counter lets a computation that raced with
 * the write notice it and not store figures read before the write.
 */
export async function invalidateDashboard(kv: KeyValueStore, userId: string): Promise<void> {
  await Promise.all([kv.del(cacheKey(userId)), kv.hit(generationKey(userId), GENERATION_TTL_MS)]);
}

export function createDashboardService({ repo, kv, clock }: Deps) {
  // Concurrent cold requests for one user share one computation, as long as no write came between.
  const inFlight = new Map<string, { generation: number; promise: Promise<string> }>();

  async function compute(userId: string, generation: number): Promise<string> {
    const json = await repo.computeStats(userId, clock(), DEFAULT_KEEP_IN_TOUCH_DAYS);
    if (json === undefined) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
    // A write during the computation bumped the generation: these figures may predate it.
    const after = await kv.peek(generationKey(userId));
    if (after.count === generation) await kv.set(cacheKey(userId), json, LIMITS.cache.dashboardTtlMs);
    return json;
  }

  return {
    /** The practice figures as JSON text: from the shared cache, or one SQL statement. */
    async stats(actor: Actor): Promise<string> {
      const { userId } = actor;
      const cached = await kv.get(cacheKey(userId));
      if (cached !== undefined) return cached;
      const generation = (await kv.peek(generationKey(userId))).count;
      const pending = inFlight.get(userId);
      if (pending?.generation === generation) return pending.promise;
      const promise = compute(userId, generation).finally(() => {
        if (inFlight.get(userId)?.promise === promise) inFlight.delete(userId);
      });
      inFlight.set(userId, { generation, promise });
      return promise;
    },
  };
}
export type DashboardService = ReturnType<typeof createDashboardService>;
