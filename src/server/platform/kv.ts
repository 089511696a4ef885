import { LRUCache } from 'lru-cache';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LIMITS } from './limits.js';

/**
 * Short-lived shared state: cache entries and rate-limit counters. In-process for the embedded
 * default; Redis when REDIS_URL is set, so every instance sees the same values.
 */
export type KeyValueStore = {
  kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /** Adds one to a counter that expires windowMs after its first hit; returns the new count and ms left. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  /** Reads a counter without adding to it. */
  peek(key: string): Promise<{ count: number; resetMs: number }>;
  ping(): Promise<void>;
  close(): Promise<void>;
};

export function createMemoryStore(): KeyValueStore {
  // Bounded by count and by bytes: cached list pages are tens of kilobytes each.
  const entries = new LRUCache<string, string>({
    max: LIMITS.cache.entries,
    maxSize: LIMITS.cache.bytes,
    sizeCalculation: (value, key) => value.length * 2 + key.length * 2,
    ttlAutopurge: false,
  });
  const counters = new Map<string, { count: number; resetAt: number }>();
  return {
    kind: 'memory',
    async get(key) {
      return entries.get(key);
    },
    async set(key, value, ttlMs) {
      entries.set(key, value, { ttl: ttlMs });
    },
    async del(...keys) {
      for (const key of keys) {
        entries.delete(key);
        counters.delete(key);
      }
    },
    async peek(key) {
      const now = Date.now();
      const counter = counters.get(key);
      return counter && counter.resetAt > now ? { count: counter.count, resetMs: counter.resetAt - now } : { count: 0, resetMs: 0 };
    },
    async hit(key, windowMs) {
      const now = Date.now();
      let counter = counters.get(key);
      if (!counter || counter.resetAt <= now) {
        if (counters.size > LIMITS.cache.entries) {
          for (const [k, c] of counters) if (c.resetAt <= now) counters.delete(k);
        }
        counter = { count: 0, resetAt: now + windowMs };
        counters.set(key, counter);
      }
      counter.count += 1;
      return { count: counter.count, resetMs: counter.resetAt - now };
    },
    async ping() {},
    async close() {
      entries.clear();
      counters.clear();
    },
  };
}

export function connectRedis(url: string, log: Logger): Redis {
  // Auto-pipelining sends the commands of concurrent requests in one write: a syscall per batch, not per command.
  const redis = new Redis(url, { keyPrefix: 'mcrm:', maxRetriesPerRequest: 2, enableAutoPipelining: true });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  return redis;
}

export function createRedisStore(redis: Redis): KeyValueStore {
  return {
    kind: 'redis',
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', ttlMs);
    },
    async del(...keys) {
      if (keys.length) await redis.del(...keys);
    },
    async hit(key, windowMs) {
      const [[, count], [, ttl]] = (await redis
        .multi()
        .incr(key)
        .pexpire(key, windowMs, 'NX')
        .pttl(key)
        .exec()
        .then((r) => [r![0], r![2]])) as [[unknown, number], [unknown, number]];
      return { count, resetMs: Math.max(0, ttl) };
    },
    async peek(key) {
      const [[, count], [, ttl]] = (await redis.multi().get(key).pttl(key).exec()) as [[unknown, string | null], [unknown, number]];
      return { count: Number(count ?? 0), resetMs: Math.max(0, ttl) };
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      // The connection belongs to the composition root, which closes it.
    },
  };
}

/** Binary values shared by every instance: ready-to-send response bytes, never decoded on the way. */
export type SharedBytes = {
  get(key: string): Promise<Buffer | undefined>;
  set(key: string, value: Buffer, ttlMs: number): Promise<void>;
};

export function createRedisBytes(redis: Redis): SharedBytes {
  return {
    async get(key) {
      return (await redis.getBuffer(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', ttlMs);
    },
  };
}
