import { AppError } from './errors.js';
import type { KeyValueStore } from './kv.js';

export type RateLimit = { max: number; windowMs: number };
export type LimitCheck = { key: string; limit: RateLimit };

const FEW_MINUTES_MS = 5 * 60_000;

/**
 * The one rate-limit path: counters in the shared key-value store (Redis when set, so every
 * instance counts together), for sign-in, sign-up, password changes and expensive routes.
 * An attempt is reserved before the work it guards (increment first, then compare), so concurrent
 * requests cannot all pass a check that none of them has counted yet.
 */
export function createRateLimiter(kv: KeyValueStore, clock: () => Date, fallback?: KeyValueStore) {
  const storeKey = (key: string) => `rl:${key}`;
  // While Redis is unreachable each instance counts alone (README, Resilience): limits stay, per process.
  const hit = (key: string, windowMs: number, now: number) =>
    fallback ? kv.hit(key, windowMs, now).catch(() => fallback.hit(key, windowMs, now)) : kv.hit(key, windowMs, now);
  return {
    /** Counts one attempt under each limit; throws 429 with Retry-After when any is exceeded. */
    async consume(checks: LimitCheck | readonly LimitCheck[], what: string): Promise<void> {
      const list = Array.isArray(checks) ? (checks as readonly LimitCheck[]) : [checks as LimitCheck];
      const now = clock().getTime();
      const results = await Promise.all(list.map((c) => hit(storeKey(c.key), c.limit.windowMs, now)));
      let waitMs = 0;
      let window = 0;
      results.forEach((r, i) => {
        const { limit } = list[i]!;
        if (r.count > limit.max && r.resetMs >= waitMs) {
          waitMs = r.resetMs;
          window = limit.windowMs;
        }
      });
      if (!window) return;
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      const advice = window >= FEW_MINUTES_MS ? 'Wait a few minutes and try again.' : `Try again in ${seconds} seconds.`;
      throw new AppError('rate_limited', `Too many ${what}. ${advice}`, undefined, seconds);
    },
    /** Forgets the attempts counted under these keys (after a success that proves the caller). */
    async reset(...keys: string[]): Promise<void> {
      await kv.del(...keys.map(storeKey)).catch((err) => {
        if (!fallback) throw err;
      });
      await fallback?.del(...keys.map(storeKey));
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
