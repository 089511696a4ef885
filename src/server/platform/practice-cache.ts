import { LRUCache } from 'lru-cache';
import { randomToken } from './crypto.js';
import type { KeyValueStore, SharedBytes } from './kv.js';
import { LIMITS } from './limits.js';

// The generation outlives every cached entry by far; it is refreshed by each write.
const GENERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * Per-user cached reads (dashboard figures, list pages) that are never stale. Entries are keyed by
 * the user's current generation, a random value that every write replaces: after a write no reader
 * can reach an older entry, and a computation that raced with the write stores its result under
 * the old generation, where nobody looks. With Redis the generation is shared, so every instance
 * sees a write at once.
 *
 * Because an entry's key names its generation, an entry never changes once written: each process
 * keeps the ones it served in a small local LRU (bytes, ready to send), and with Redis also shares
 * them with the other instances. Only the generation is read from the shared store per request.
 */
export function createPracticeCache(kv: KeyValueStore, shared?: SharedBytes) {
  const generationKey = (userId: string) => `gen:${userId}`;
  const local = new LRUCache<string, Buffer>({
    max: LIMITS.cache.entries,
    maxSize: LIMITS.cache.localBytes,
    sizeCalculation: (value, key) => value.length + key.length * 2,
  });
  const stats = { hits: 0, misses: 0 };
  // Concurrent misses for one entry share one computation.
  const inFlight = new Map<string, Promise<Buffer | undefined>>();

  async function fill(key: string, ttlMs: number, compute: () => Promise<string | undefined>) {
    const fromPeer = await shared?.get(key);
    if (fromPeer) {
      local.set(key, fromPeer, { ttl: ttlMs });
      return fromPeer;
    }
    const text = await compute();
    if (text === undefined) return undefined;
    const value = Buffer.from(text);
    local.set(key, value, { ttl: ttlMs });
    await shared?.set(key, value, ttlMs);
    return value;
  }

  return {
    async invalidate(userId: string): Promise<void> {
      await kv.set(generationKey(userId), randomToken(12), GENERATION_TTL_MS);
    },

    /**
     * Drops every cached answer of the user, here and in the shared store, besides moving the
     * generation on: after an erasure no copy of the erased data is left in any cache. Other
     * processes' local copies are unreachable (their keys name the old generation) and age out.
     */
    async forget(userId: string): Promise<void> {
      await kv.set(generationKey(userId), randomToken(12), GENERATION_TTL_MS);
      const prefix = `practice:${userId}:`;
      for (const key of [...local.keys()]) if (key.startsWith(prefix)) local.delete(key);
      await shared?.deletePrefix(prefix);
    },

    /** The entry's bytes (UTF-8 JSON), computed at most once per generation and process. */
    async read(userId: string, name: string, ttlMs: number, compute: () => Promise<string | undefined>): Promise<Buffer | undefined> {
      const generation = (await kv.get(generationKey(userId))) ?? 'initial';
      const key = `practice:${userId}:${generation}:${name}`;
      const cached = local.get(key);
      if (cached) {
        stats.hits += 1;
        return cached;
      }
      stats.misses += 1;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fill(key, ttlMs, compute).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },

    stats: () => ({ ...stats, bytes: local.calculatedSize }),
  };
}
export type PracticeCache = ReturnType<typeof createPracticeCache>;
