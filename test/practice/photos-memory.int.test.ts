import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { rssOfProcess } from '../support/memory.js';
import { postFile } from '../support/route-cases.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** The collector, also when vitest runs without --expose-gc. */
function collector(): () => void {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Median RSS of the server and its photo worker over several samples, each after a full collection
 * in the server, so one noisy sample cannot decide.
 */
async function settledRss(gc: () => void): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 7; i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    samples.push(process.memoryUsage().rss + rssOfProcess(t.app.services.images.workerPid()));
  }
  samples.sort((x, y) => x - y);
  return samples[3]!;
}

const PARALLEL = 4;

it('keeps process memory flat from 100 to 1,000 uploads', { timeout: 240_000 }, async () => {
  const gc = collector();
  const a = await signUp(t.app, 'photos-memory');
  const contacts = await Promise.all(
    Array.from(
      { length: PARALLEL },
      async (_, i) => (await a.post('/api/contacts', { name: `Memory ${i}`, hasPhotoConsent: true })).body.id as string,
    ),
  );
  // Twenty small, different sources: each one is a real decode, crop and encode.
  const sources = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      sharp({ create: { width: 40 + i, height: 30 + 2 * i, channels: 3, background: { r: 10 * i, g: 120, b: 250 - 10 * i } } })
        .composite([{ input: Buffer.from([255, 255, 255]), raw: { width: 1, height: 1, channels: 3 }, top: i, left: i }])
        .jpeg()
        .toBuffer(),
    ),
  );

  let done = 0;
  async function uploadUntil(total: number) {
    while (done < total) {
      const batch = Array.from({ length: Math.min(PARALLEL, total - done) }, (_, i) => {
        const n = done + i;
        return postFile(a, `/api/contacts/${contacts[n % PARALLEL]}/photos`, sources[n % sources.length]!);
      });
      const results = await Promise.all(batch);
      for (const res of results) expect(res.status, res.text).toBe(201);
      done += batch.length;
    }
  }

  await uploadUntil(100);
  const worker = t.app.services.images.workerPid();
  expect(worker).toBeGreaterThan(0);
  const after100 = await settledRss(gc);
  await uploadUntil(1000);
  const after1000 = await settledRss(gc);
  // One worker did all the uploads: its memory is part of the figure, not reset by a restart.
  expect(t.app.services.images.workerPid()).toBe(worker);

  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.info(`photos memory: rss after 100 uploads ${mb(after100)}, after 1000 ${mb(after1000)}`);
  expect(Math.abs(after1000 - after100) / after100).toBeLessThanOrEqual(0.15);
  const list = await a.get(`/api/contacts/${contacts[0]}/photos?limit=1`);
  expect(list.body.items).toHaveLength(1);
  expect(t.app.services.images.stats()).toMatchObject({ active: 0, waiting: 0 });
});
