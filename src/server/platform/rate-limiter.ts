import { AppError } from './errors.js';
import type { KeyValueStore } from './kv.js';

export type RateLimit = { max: number; windowMs: number };

/**
 * Fixed-window counters in the shared key-value store (Redis when set, so every instance counts
 * together). Used for expensive routes: uploads today, AI and sync later.
 */
export function createRateLimiter(kv: KeyValueStore) {
  return {
    async consume(key: string, limit: RateLimit, what: string): Promise<void> {
      const { count, resetMs } = await kv.hit(`rl:${key}`, limit.windowMs);
      if (count > limit.max) {
        const seconds = Math.ceil(resetMs / 1000);
        throw new AppError('rate_limited', `Too many ${what}. Try again in ${seconds} seconds.`, { limit: limit.max }, seconds);
      }
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
