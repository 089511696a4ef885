import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createMemoryStore, createRedisStore, type KeyValueStore } from '../../src/server/platform/kv.js';
import { createPracticeCache } from '../../src/server/platform/practice-cache.js';

/** A small deterministic random source, so a failure replays from its printed seed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('practice cache under writes', () => {
  const seed = Number(process.env.CACHE_SEED ?? Date.now() % 100_000);

  it(`never answers older than the last write, and runs one computation at a time per entry (seed ${seed})`, async () => {
    const rand = random(seed);
    const cache = createPracticeCache(createMemoryStore());
    const user = 'u1';
    let version = 0;
    let running = 0;
    let peak = 0;
    // The "dashboard": what the data was when the computation read it, after a while.
    const compute = async () => {
      running++;
      peak = Math.max(peak, running);
      const seen = version;
      await tick(1 + Math.floor(rand() * 4));
      running--;
      return JSON.stringify({ version: seen });
    };
    const stale: string[] = [];
    const tasks: Promise<void>[] = [];
    let reads = 0;
    for (let i = 0; i < 400; i++) {
      if (rand() < 0.2) {
        // A write: the data changes, then onChange replaces the generation.
        version++;
        await cache.invalidate(user);
      } else {
        const atStart = version;
        reads++;
        tasks.push(
          cache.read(user, 'dashboard', 60_000, compute).then((bytes) => {
            const got = JSON.parse(bytes!.toString()).version as number;
            if (got < atStart) stale.push(`read after write ${atStart} answered ${got}`);
          }),
        );
      }
      if (rand() < 0.3) await tick(rand() < 0.5 ? 0 : 1);
    }
    await Promise.all(tasks);
    expect(stale).toEqual([]);
    expect(peak).toBe(1);
    // Reads share computations: far fewer computations than reads.
    expect(cache.stats().computations).toBeLessThan(reads / 2);
  });

  it('keeps entries of different names and users apart', async () => {
    const cache = createPracticeCache(createMemoryStore());
    const a = await cache.read('u1', 'x', 60_000, async () => '"a"');
    const b = await cache.read('u2', 'x', 60_000, async () => '"b"');
    const c = await cache.read('u1', 'y', 60_000, async () => '"c"');
    expect([a, b, c].map((v) => v!.toString())).toEqual(['"a"', '"b"', '"c"']);
    await cache.invalidate('u1');
    expect((await cache.read('u1', 'x', 60_000, async () => '"a2"'))!.toString()).toBe('"a2"');
    expect((await cache.read('u2', 'x', 60_000, async () => '"b2"'))!.toString()).toBe('"b"');
  });

  it("a write frees the writer's cached bytes at once and leaves other users' entries served", async () => {
    const cache = createPracticeCache(createMemoryStore());
    const page = (tag: string) => async () => JSON.stringify({ tag, rows: 'x'.repeat(10_000) });
    for (const name of ['p1', 'p2', 'p3']) await cache.read('u1', name, 60_000, page(name));
    await cache.read('u2', 'p1', 60_000, page('other'));
    const before = cache.stats().bytes;
    expect(before).toBeGreaterThan(40_000);
    await cache.invalidate('u1');
    // Only u2's page (one entry of ~10 KB) is left.
    expect(cache.stats().bytes).toBeLessThan(before / 3);
    expect(cache.stats().bytes).toBeGreaterThan(10_000);
    const hits = cache.stats().hits;
    await cache.read('u2', 'p1', 60_000, page('recomputed'));
    expect(cache.stats().hits).toBe(hits + 1);
    // Erasure drops them too, and new entries after a write are kept and counted again.
    await cache.read('u1', 'p1', 60_000, page('again'));
    await cache.forget('u2');
    expect(cache.stats().bytes).toBeGreaterThan(10_000);
    await cache.invalidate('u1');
    expect(cache.stats().bytes).toBe(0);
  });
});

describe('key-value stores: several keys in one call', () => {
  const check = async (kv: KeyValueStore, prefix: string) => {
    await kv.set(`${prefix}:a`, 'one', 60_000);
    await kv.set(`${prefix}:c`, 'three', 60_000);
    expect(await kv.getMany([`${prefix}:a`, `${prefix}:b`, `${prefix}:c`])).toEqual(['one', undefined, 'three']);
    await kv.del(`${prefix}:a`, `${prefix}:c`);
  };

  it('the in-process store answers in the order asked, undefined for a missing key', () => check(createMemoryStore(), 'mem'));

  it.skipIf(!process.env.REDIS_URL)('Redis answers the same in one MGET', async () => {
    const redis = new Redis(process.env.REDIS_URL!, { lazyConnect: true });
    await redis.connect();
    try {
      await check(createRedisStore(redis), `kv-test:${Date.now()}`);
    } finally {
      redis.disconnect();
    }
  });
});
