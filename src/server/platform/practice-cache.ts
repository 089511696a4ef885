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
/** Where a read of an entry would look: its key in the current generation, and its bytes if held here. */
export type Probe = { key: string; bytes?: Buffer };

export function createPracticeCache(kv: KeyValueStore, shared?: SharedBytes, health?: RedisHealth) {
  const generationKey = (userId: string) => `gen:${userId}`;
  /** An entry's key: the user, the generation and the epoch it was computed in, and its name. */
  const keyOf = (userId: string, generation: string | undefined, epoch: string | undefined, name: string) =>
    `practice:${userId}:${generation ?? 'initial'}:${epoch ?? '0'}:${name}`;
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
  /** The keys each user has in `local`: a write drops them at once instead of leaving them to age out. */
  const keysOfUser = new Map<string, Set<string>>();
  const userOfKey = (key: string) => key.slice('practice:'.length, key.indexOf(':', 'practice:'.length));
  const local = new LRUCache<string, Buffer>({
    max: LIMITS.cache.entries,
    maxSize: LIMITS.cache.localBytes,
    sizeCalculation: (value, key) => value.length + key.length * 2,
    dispose: (_value, key, reason) => {
      if (reason === 'set') return;
      const userId = userOfKey(key);
      const keys = keysOfUser.get(userId);
      keys?.delete(key);
      if (keys?.size === 0) keysOfUser.delete(userId);
    },
  });
  const keep = (key: string, value: Buffer, ttlMs: number) => {
    local.set(key, value, { ttl: ttlMs });
    if (!local.has(key)) return; // larger than the whole cache
    const userId = userOfKey(key);
    let keys = keysOfUser.get(userId);
    if (!keys) keysOfUser.set(userId, (keys = new Set()));
    keys.add(key);
  };
  /**
   * Entries of an earlier generation can never be read again: dropping them when the generation
   * moves on keeps the local cache to what can still be served, instead of filling it with dead
   * pages until they age out (issue 17: the embedded default's memory).
   */
  const dropLocal = (userId: string) => {
    const keys = keysOfUser.get(userId);
    if (!keys) return;
    keysOfUser.delete(userId);
    for (const key of keys) local.delete(key);
  };
  const stats = { hits: 0, misses: 0, computations: 0 };
  /**
   * At most one computation per user and entry runs at a time, and at most one more waits. A
   * reader that finds the running one made for its own generation joins it; any other reader joins
   * the waiting one, which reads the generation when it starts: after every one of its readers
   * arrived, so after every write they had seen. Reads after a burst of writes share one
   * computation instead of starting one per write (issue 15, item 9).
   */
  type Flight = { key: string; result: Promise<Buffer | undefined> };
  const flights = new Map<string, { running?: Flight; waiting?: Promise<Buffer | undefined> }>();

  async function fill(key: string, ttlMs: number, compute: () => Promise<string | undefined>) {
    const fromPeer = await shared?.get(key).catch(() => undefined);
    if (fromPeer) {
      keep(key, fromPeer, ttlMs);
      return fromPeer;
    }
    stats.computations += 1;
    const text = await compute();
    if (text === undefined) return undefined;
    const value = Buffer.from(text);
    keep(key, value, ttlMs);
    await shared?.set(key, value, ttlMs).catch(() => health?.failed());
    return value;
  }

  async function computeUncached(compute: () => Promise<string | undefined>) {
    stats.misses += 1;
    stats.computations += 1;
    const text = await compute();
    return text === undefined ? undefined : Buffer.from(text);
  }

  /** The key of the user's entry in the current generation and epoch; undefined when Redis just failed. */
  async function entryKey(userId: string, name: string): Promise<string | undefined> {
    try {
      // With Redis, the generation and the epoch come back in one round trip.
      const [g, e] = health ? await kv.getMany([generationKey(userId), EPOCH_KEY]) : [await kv.get(generationKey(userId))];
      return keyOf(userId, g, e, name);
    } catch (err) {
      if (!health) throw err;
      health.failed();
      return undefined;
    }
  }

  /** Without Redis the generation is in this process: the key is found without a promise (same shape as entryKey's). */
  const localKey =
    kv.peek && !health ? (userId: string, name: string) => keyOf(userId, kv.peek!(generationKey(userId)), undefined, name) : undefined;

  function start(
    slot: { running?: Flight; waiting?: Promise<Buffer | undefined> },
    slotKey: string,
    key: string,
    ttlMs: number,
    compute: () => Promise<string | undefined>,
  ) {
    const flight: Flight = {
      key,
      result: fill(key, ttlMs, compute).finally(() => {
        if (slot.running === flight) slot.running = undefined;
        if (!slot.running && !slot.waiting) flights.delete(slotKey);
      }),
    };
    slot.running = flight;
    return flight.result;
  }

  return {
    async invalidate(userId: string): Promise<void> {
      await replaceGeneration(userId);
      dropLocal(userId);
    },

    /**
     * Drops every cached answer of the user, here and in the shared store, besides moving the
     * generation on: after an erasure no copy of the erased data is left in any cache. Other
     * processes' local copies are unreachable (their keys name the old generation) and age out.
     */
    async forget(userId: string): Promise<void> {
      await replaceGeneration(userId);
      const prefix = `practice:${userId}:`;
      dropLocal(userId);
      // Unreachable Redis: its copies are unreachable (generation and epoch move on) and expire by TTL.
      await shared?.deletePrefix(prefix).catch((err) => {
        if (!health) throw err;
        health.failed();
      });
    },

    /**
     * What a read would find in this process, without computing: the entry's key and its bytes when
     * held here (a promise only with Redis, which holds the generation). Undefined while Redis is
     * unusable. A read given the probe's key does not look the generation up again.
     */
    probe(userId: string, name: string): Probe | Promise<Probe | undefined> | undefined {
      if (health && !health.usable()) return undefined;
      const found = (key: string | undefined): Probe | undefined => {
        if (key === undefined) return undefined;
        const bytes = local.get(key);
        if (bytes) stats.hits += 1;
        return { key, bytes };
      };
      return localKey ? found(localKey(userId, name)) : entryKey(userId, name).then(found);
    },

    /** The entry's bytes (UTF-8 JSON), computed at most once per generation and process. */
    async read(
      userId: string,
      name: string,
      ttlMs: number,
      compute: () => Promise<string | undefined>,
      probed?: Probe,
    ): Promise<Buffer | undefined> {
      // Redis unreachable, or just back and not settled: computed, never cached (never stale).
      if (health && !health.usable()) return computeUncached(compute);
      const key = probed?.key ?? (localKey ? localKey(userId, name) : await entryKey(userId, name));
      if (key === undefined) return computeUncached(compute);
      const cached = local.get(key);
      if (cached) {
        stats.hits += 1;
        return cached;
      }
      stats.misses += 1;
      const slotKey = `${userId}:${name}`;
      let slot = flights.get(slotKey);
      if (!slot) flights.set(slotKey, (slot = {}));
      if (slot.running?.key === key) return slot.running.result;
      if (!slot.running) return start(slot, slotKey, key, ttlMs, compute);
      // Made for another generation: wait for the next computation, which reads the generation
      // once the running one is done (an earlier generation's result is never served).
      const current = slot;
      current.waiting ??= current
        .running!.result.catch(() => undefined)
        .then(async () => {
          current.waiting = undefined;
          const next = await entryKey(userId, name);
          if (next === undefined) return computeUncached(compute);
          if (current.running?.key === next) return current.running.result;
          return local.get(next) ?? start(current, slotKey, next, ttlMs, compute);
        });
      return current.waiting;
    },

    stats: () => ({ ...stats, bytes: local.calculatedSize }),
  };
}
export type PracticeCache = ReturnType<typeof createPracticeCache>;
