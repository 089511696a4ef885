import { randomToken } from './crypto.js';
import type { KeyValueStore } from './kv.js';

// The generation outlives every cached entry by far; it is refreshed by each write.
const GENERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * Per-user cached reads (dashboard figures, list pages) that are never stale. Entries are keyed by
 * the user's current generation, a random value that every write replaces: after a write no reader
 * can reach an older entry, and a computation that raced with the write stores its result under
 * the old generation, where nobody looks. With Redis the generation is shared, so every instance
 * sees a write at once.
 */
export function createPracticeCache(kv: KeyValueStore) {
  const generationKey = (userId: string) => `gen:${userId}`;
  // Concurrent misses for one entry share one computation.
  const inFlight = new Map<string, Promise<string | undefined>>();

  return {
    async invalidate(userId: string): Promise<void> {
      await kv.set(generationKey(userId), randomToken(12), GENERATION_TTL_MS);
    },

    async read(userId: string, name: string, ttlMs: number, compute: () => Promise<string | undefined>): Promise<string | undefined> {
      const generation = (await kv.get(generationKey(userId))) ?? 'initial';
      const key = `practice:${userId}:${generation}:${name}`;
      const cached = await kv.get(key);
      if (cached !== undefined) return cached;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = compute()
          .then(async (value) => {
            if (value !== undefined) await kv.set(key, value, ttlMs);
            return value;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
export type PracticeCache = ReturnType<typeof createPracticeCache>;
