import { LRUCache } from 'lru-cache';
import { randomToken } from './crypto.js';
import type { KeyValueStore, RedisHealth, SharedBytes } from './kv.js';
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
export function createPracticeCache(kv: KeyValueStore, shared?: SharedBytes, health?: RedisHealth) {
  const generationKey = (userId: string) => `gen:${userId}`;
  // Moved on after every Redis outage (ARCHITECTURE.md §4): a write whose generation could not be
  // replaced while Redis was unreachable makes every entry older than the outage unreachable.
  const EPOCH_KEY = 'cache-epoch';
  health?.onRecovery(async () => {
    await kv.set(EPOCH_KEY, randomToken(12), GENERATION_TTL_MS);
  });
  /** A Redis failure here is not the request's: the write has committed; recovery moves the epoch on. */
  const replaceGeneration = async (userId: string) => {
    try {
      await kv.set(generationKey(userId), randomToken(12), GENERATION_TTL_MS);
    } catch (err) {
      if (!health) throw err;
      health.failed();
    }
  };
  const local = new LRUCache<string, Buffer>({
    max: LIMITS.cache.entries,
    maxSize: LIMITS.cache.localBytes,
    sizeCalculation: (value, key) => value.length + key.length * 2,
  });
  const stats = { hits: 0, misses: 0 };
  // Concurrent misses for one entry share one computation.
  const inFlight = new Map<string, Promise<Buffer | undefined>>();

  async function fill(key: string, ttlMs: number, compute: () => Promise<string | undefined>) {
    const fromPeer = await shared?.get(key).catch(() => undefined);
    if (fromPeer) {
      local.set(key, fromPeer, { ttl: ttlMs });
      return fromPeer;
    }
    const text = await compute();
    if (text === undefined) return undefined;
    const value = Buffer.from(text);
    local.set(key, value, { ttl: ttlMs });
    await shared?.set(key, value, ttlMs).catch(() => health?.failed());
    return value;
  }

  return {
    async invalidate(userId: string): Promise<void> {
      await replaceGeneration(userId);
    },

    /**
     * Drops every cached answer of the user, here and in the shared store, besides moving the
     * generation on: after an erasure no copy of the erased data is left in any cache. Other
     * processes' local copies are unreachable (their keys name the old generation) and age out.
     */
    async forget(userId: string): Promise<void> {
      await replaceGeneration(userId);
      const prefix = `practice:${userId}:`;
      for (const key of [...local.keys()]) if (key.startsWith(prefix)) local.delete(key);
      // Unreachable Redis: its copies are unreachable (generation and epoch move on) and expire by TTL.
      await shared?.deletePrefix(prefix).catch((err) => {
        if (!health) throw err;
        health.failed();
      });
    },

    /** The entry's bytes (UTF-8 JSON), computed at most once per generation and process. */
    async read(userId: string, name: string, ttlMs: number, compute: () => Promise<string | undefined>): Promise<Buffer | undefined> {
      // Redis unreachable, or just back and not settled: computed, never cached (never stale).
      if (health && !health.usable()) {
        stats.misses += 1;
        const text = await compute();
        return text === undefined ? undefined : Buffer.from(text);
      }
      let generation: string;
      let epoch: string;
      try {
        const [g, e] = await Promise.all([kv.get(generationKey(userId)), health ? kv.get(EPOCH_KEY) : undefined]);
        generation = g ?? 'initial';
        epoch = e ?? '0';
      } catch (err) {
        if (!health) throw err;
        health.failed();
        stats.misses += 1;
        const text = await compute();
        return text === undefined ? undefined : Buffer.from(text);
      }
      const key = `practice:${userId}:${generation}:${epoch}:${name}`;
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
