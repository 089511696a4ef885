import { afterAll, beforeAll, expect, it } from 'vitest';
import sharp from 'sharp';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { rssOfProcess } from '../support/memory.js';
import { postFile } from '../support/route-cases.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const MB = 1024 * 1024;

it(`keeps the RSS of the server and its photo worker within ${LIMITS.photo.rssBudgetBytes / MB} MB of their start through ten 6300×6300 PNG uploads`, {
  timeout: 120_000,
}, async () => {
  // 151 KB on the wire, about 160 MB once decoded: a decompression bomb for an image pipeline.
  const bomb = await sharp({ create: { width: 6300, height: 6300, channels: 4, background: { r: 200, g: 30, b: 60, alpha: 1 } } })
    .png({ compressionLevel: 9 })
    .toBuffer();
  expect(bomb.length).toBeLessThan(LIMITS.photo.uploadBytes);
  const user = await signUp(t.app, 'bomb');
  const contact = (await user.post('/api/contacts', { name: 'Bomb Target', hasPhotoConsent: true })).body.id as string;
  // Warm the pipeline with one ordinary photo so the baseline includes sharp's own libraries.
  const small = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#123456' } })
    .png()
    .toBuffer();
  expect((await postFile(user, `/api/contacts/${contact}/photos`, small, { contentType: 'image/png' })).status).toBe(201);

  const worker = t.app.services.images.workerPid();
  expect(worker).toBeGreaterThan(0);
  const rss = () => process.memoryUsage().rss + rssOfProcess(worker);
  const baseline = rss();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 5);
  try {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        postFile(user, `/api/contacts/${contact}/photos`, bomb, { contentType: 'image/png', filename: 'big.png' }),
      ),
    );
    for (const res of results) {
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.message).toMatch(/too large/);
    }
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, rss());
  // The same worker did all of it (a crashed one would have answered 503, not 422).
  expect(t.app.services.images.workerPid()).toBe(worker);
  expect((peak - baseline) / MB).toBeLessThan(LIMITS.photo.rssBudgetBytes / MB);
});
