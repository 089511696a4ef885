import { LRUCache } from 'lru-cache';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LIMITS } from './limits.js';

/**
 * Short-lived shared state: cache entries and rate-limit counters. In-process for the embedded
 * default; Redis when REDIS_URL is set, so every instance sees the same values.
 */
export type KeyValueStore = {
  kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  /** The value without a promise: only the in-process store has it. */
  peek?(key: string): string | undefined;
  /** Several keys in one round trip (one MGET on Redis), in the order asked. */
  getMany(keys: string[]): Promise<(string | undefined)[]>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
  /**
   * Adds one to a counter whose window runs windowMs from its first hit, atomically (concurrent
   * hits each get their own count); returns the new count and the ms left. `nowMs` is the caller's
   * clock, so an injected clock moves windows on both stores.
   */
  hit(key: string, windowMs: number, nowMs: number): Promise<{ count: number; resetMs: number }>;
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
    peek: (key) => entries.get(key),
    async getMany(keys) {
      return keys.map((key) => entries.get(key));
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
    async hit(key, windowMs, now) {
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

export async function connectRedis(url: string, log: Logger): Promise<Redis> {
  // Loaded only when REDIS_URL is set: the embedded default does not carry the client in its memory.
  const { Redis } = await import('ioredis');
  // Auto-pipelining sends the commands of concurrent requests in one write: a syscall per batch, not per command.
  // Every command fails after LIMITS.redis.commandMs: callers fall back (README, Resilience), never wait.
  const redis = new Redis(url, {
    keyPrefix: 'mcrm:',
    maxRetriesPerRequest: 0,
    enableAutoPipelining: true,
    connectTimeout: LIMITS.redis.connectMs,
    commandTimeout: LIMITS.redis.commandMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  let warned = false;
  redis.on('error', (err) => {
    // One line per outage, not one per reconnect attempt.
    if (!warned) log.warn({ err: err.message }, 'redis error; serving without it until it is back');
    warned = true;
  });
  redis.on('ready', () => {
    warned = false;
  });
  return redis;
}

/** Fails at once while the connection is down, instead of queueing the command until its timeout. */
function assertConnected(redis: Redis) {
  if (redis.status !== 'ready') throw new Error('redis is not connected');
}

const EVICTING_POLICY = /^(allkeys|volatile)-/;

/**
 * Start-up check: every key we keep has a TTL (rate-limit counters, cache generations, session
 * copies), so a policy that evicts keys under memory pressure (allkeys-* or volatile-*) could drop
 * a rate-limit counter or a generation early. Only `noeviction` is accepted; a full Redis then
 * refuses writes, which the server survives (README, Resilience). A Redis that hides CONFIG
 * (managed services) is accepted with a warning.
 */
export async function checkRedisEvictionPolicy(redis: Redis, log: Logger, waitMs = 5_000): Promise<void> {
  let policy: string | undefined;
  if (redis.status !== 'ready') {
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), waitMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!ready) {
      log.warn('Redis is unreachable at start: serving without it; its maxmemory-policy is not checked');
      return;
    }
  }
  try {
    const answer = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = answer[1];
  } catch {
    log.warn('could not read Redis maxmemory-policy (CONFIG refused); make sure it is noeviction');
    return;
  }
  if (policy && EVICTING_POLICY.test(policy)) {
    throw new Error(
      `Redis maxmemory-policy is '${policy}': Redis would evict rate-limit counters and cache generations under memory pressure. Set maxmemory-policy noeviction (CONFIG SET maxmemory-policy noeviction, and in redis.conf).`,
    );
  }
}

/**
 * Whether the shared cache and session copies in Redis may be used. False while Redis is
 * unreachable; after a failure, the recovery tasks (moving the cache epoch on, deleting session
 * copies revoked during the outage) must succeed first, then the cache stays bypassed for
 * LIMITS.redis.recoverySettleMs so every other instance has run its own recovery too.
 */
export type RedisHealth = {
  usable(): boolean;
  /** A Redis call failed: run the recovery tasks once Redis answers again. */
  failed(): void;
  /** Runs on every recovery, before usable() turns true. */
  onRecovery(task: () => Promise<void>): void;
  stop(): void;
};

export function watchRedis(redis: Redis, now: () => number = Date.now): RedisHealth {
  const tasks: Array<() => Promise<void>> = [];
  let needsRecovery = false;
  let usableFrom = 0;
  let probe: NodeJS.Timeout | undefined;
  let running = false;

  async function recover() {
    if (running || redis.status !== 'ready') return;
    running = true;
    try {
      await redis.ping();
      for (const task of tasks) await task();
      needsRecovery = false;
      usableFrom = now() + LIMITS.redis.recoverySettleMs;
      clearInterval(probe);
      probe = undefined;
    } catch {
      // Still failing: the probe tries again.
    } finally {
      running = false;
    }
  }
  const failed = () => {
    needsRecovery = true;
    if (!probe) {
      probe = setInterval(() => void recover(), LIMITS.redis.probeMs);
      probe.unref();
    }
  };
  redis.on('close', failed);
  redis.on('ready', () => {
    if (needsRecovery) void recover();
  });
  return {
    usable: () => redis.status === 'ready' && !needsRecovery && now() >= usableFrom,
    failed,
    onRecovery: (task) => {
      tasks.push(task);
    },
    stop: () => {
      clearInterval(probe);
      probe = undefined;
    },
  };
}

// One round trip and atomic: the window starts at the first hit, by the caller's clock.
const HIT_SCRIPT = `
local reset = tonumber(redis.call('HGET', KEYS[1], 'r'))
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if not reset or reset <= now then
  redis.call('HSET', KEYS[1], 'c', 1, 'r', now + window)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, window}
end
return {redis.call('HINCRBY', KEYS[1], 'c', 1), reset - now}
`;

type HitCommand = { mcrmHit(key: string, now: number, windowMs: number): Promise<[number, number]> };

export function createRedisStore(redis: Redis): KeyValueStore {
  if (!('mcrmHit' in redis)) redis.defineCommand('mcrmHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  return {
    kind: 'redis',
    async get(key) {
      assertConnected(redis);
      return (await redis.get(key)) ?? undefined;
    },
    async getMany(keys) {
      assertConnected(redis);
      return (await redis.mget(keys)).map((value) => value ?? undefined);
    },
    async set(key, value, ttlMs) {
      assertConnected(redis);
      await redis.set(key, value, 'PX', ttlMs);
    },
    async del(...keys) {
      assertConnected(redis);
      if (keys.length) await redis.del(...keys);
    },
    async hit(key, windowMs, now) {
      assertConnected(redis);
      const [count, resetMs] = await (redis as unknown as HitCommand).mcrmHit(key, now, windowMs);
      return { count: Number(count), resetMs: Math.max(0, Number(resetMs)) };
    },
    async ping() {
      assertConnected(redis);
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
  /** Removes every entry whose key starts with prefix (erasure: no copy of erased data is kept). */
  deletePrefix(prefix: string): Promise<void>;
};

export function createRedisBytes(redis: Redis): SharedBytes {
  return {
    async get(key) {
      assertConnected(redis);
      return (await redis.getBuffer(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      assertConnected(redis);
      await redis.set(key, value, 'PX', ttlMs);
    },
    async deletePrefix(prefix) {
      assertConnected(redis);
      // SCAN walks the key space in small steps without blocking Redis. ioredis adds its key prefix
      // to commands but not to SCAN's pattern, and SCAN answers full names: both are handled here.
      const keyPrefix = redis.options.keyPrefix ?? '';
      const pattern = `${keyPrefix}${prefix}`.replace(/[*?[\]\\]/g, '\\$&');
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${pattern}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys.map((k) => k.slice(keyPrefix.length)));
        cursor = next;
      } while (cursor !== '0');
    },
  };
}
