import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// A private temp dir for this worker, set before sharp (libvips reads TMPDIR once) and the app load:
// the OS temp dir is shared with other processes, so only a private one can prove we write nothing.
const tmp = vi.hoisted(() => {
  const fs = process.getBuiltinModule('node:fs');
  const os = process.getBuiltinModule('node:os');
  const path = process.getBuiltinModule('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-photos-test-'));
  process.env.TMPDIR = dir;
  return { dir };
});

import fs from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import os from 'node:os';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createImageProcessor, createJobLimiter } from '../../src/server/platform/image-processor.js';
import { createImageWorker, type ImageWorkerOptions } from '../../src/server/platform/image-worker-process.js';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { isRunning } from '../support/memory.js';
import { postFile } from '../support/route-cases.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
  fs.rmSync(tmp.dir, { recursive: true, force: true });
});

const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 3, background } });
const noise = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });

async function newContact(client: TestClient, name = 'Photo Contact', hasPhotoConsent = true): Promise<string> {
  const res = await client.post('/api/contacts', { name, hasPhotoConsent });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function storedPhotoCount(userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from contact_photos where user_id = ${userId}`);
  return row!.n;
}

async function fetchImage(client: TestClient, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { res, bytes: res.rawPayload };
}

/** A PNG whose header claims 100000×100000 pixels, with one small (valid, zlib) data chunk. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('uploads', () => {
  it('turns each accepted type, tall and wide, into a 400×400 WebP that is the active photo', async () => {
    const a = await signUp(t.app, 'photos-types');
    const contactId = await newContact(a);
    const sources: Array<[string, Buffer]> = [
      ['jpeg', await noise(320, 240).jpeg().toBuffer()],
      ['png', await noise(200, 200).png().toBuffer()],
      ['webp', await noise(500, 300).webp().toBuffer()],
      ['gif', await noise(120, 90).gif().toBuffer()],
      ['tall', await noise(150, 900).jpeg().toBuffer()],
      ['wide', await noise(900, 150).png().toBuffer()],
    ];
    if ((await t.app.services.images.acceptedFormats()).has('avif')) sources.push(['avif', await noise(160, 120).avif().toBuffer()]);

    for (const [label, bytes] of sources) {
      // The filename and declared type say nothing true: only the bytes decide.
      const res = await postFile(a, `/api/contacts/${contactId}/photos?activate=true`, bytes, {
        filename: 'upload.bin',
        contentType: 'application/octet-stream',
      });
      expect(res.status, `${label}: ${res.text}`).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        contactId,
        url: `/api/photos/${res.body.id}`,
        width: 400,
        height: 400,
        byteSize: expect.any(Number),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        isActive: true,
      });
      const { res: img, bytes: webp } = await fetchImage(a, res.body.url);
      expect(img.statusCode).toBe(200);
      expect(webp.length).toBe(res.body.byteSize);
      const meta = await sharp(webp).metadata();
      expect([meta.format, meta.width, meta.height], label).toEqual(['webp', 400, 400]);
      expect(meta.exif, 'metadata is stripped').toBeUndefined();
      const contact = await a.get(`/api/contacts/${contactId}`);
      expect(contact.body.photoUrl).toBe(res.body.url);
    }
    const history = await a.get(`/api/contacts/${contactId}/photos`);
    expect(history.body.items).toHaveLength(sources.length);
    expect(history.body.items.filter((p: { isActive: boolean }) => p.isActive)).toHaveLength(1);
  });

  it('rotates by EXIF orientation before cropping', async () => {
    const a = await signUp(t.app, 'photos-exif');
    const contactId = await newContact(a);
    // Stored upright: red top half, blue bottom half. Orientation 6 says "turn 90° clockwise to view",
    // which puts the red half on the right.
    const stored = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0000ff' } })
      .composite([{ input: await solid(64, 32, '#ff0000').png().toBuffer(), top: 0, left: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(stored).metadata()).orientation).toBe(6);
    const res = await postFile(a, `/api/contacts/${contactId}/photos`, stored);
    expect(res.status, res.text).toBe(201);
    const { bytes } = await fetchImage(a, res.body.url);
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    const [lr, , lb] = pixel(100, 200);
    const [rr, , rb] = pixel(300, 200);
    expect(lb).toBeGreaterThan(200);
    expect(lr).toBeLessThan(60);
    expect(rr).toBeGreaterThan(200);
    expect(rb).toBeLessThan(60);
  });

  it('crops on the most interesting part of the image', async () => {
    const a = await signUp(t.app, 'photos-attention');
    const contactId = await newContact(a);
    // A flat grey banner with all of its detail at the far right: a centred crop would be flat.
    const wide = await solid(1600, 400, '#808080')
      .composite([{ input: await noise(400, 400).png().toBuffer(), top: 0, left: 1200 }])
      .png()
      .toBuffer();
    const res = await postFile(a, `/api/contacts/${contactId}/photos`, wide);
    expect(res.status, res.text).toBe(201);
    const { bytes } = await fetchImage(a, res.body.url);
    const stats = await sharp(bytes).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(20);
  });
});

describe('bad files', () => {
  it('answer 4xx with a message and leave nothing stored', async () => {
    const a = await signUp(t.app, 'photos-bad');
    const contactId = await newContact(a);
    const good = await postFile(a, `/api/contacts/${contactId}/photos`, await noise(80, 80).jpeg().toBuffer());
    expect(good.status).toBe(201);
    const jpeg = await noise(1200, 900).jpeg().toBuffer();
    const cap = LIMITS.photo.uploadBytes;
    const cases: Array<[string, Buffer, number, RegExp]> = [
      ['PDF named .jpg', Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'), 415, /PDF/],
      ['text named .jpg', Buffer.from('Dear client, here is my photo. Love, Ana\n'.repeat(4)), 415, /text file/],
      ['truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2)), 422, /truncated or corrupt/],
      ['tiny PNG declaring 100000×100000', pngDeclaring(100_000, 100_000), 422, /million pixels/],
      ['solid PNG over the pixel limit', await solid(8000, 6000, '#ffffff').png({ compressionLevel: 9 }).toBuffer(), 422, /million pixels/],
      ['just over the size cap', Buffer.concat([jpeg, Buffer.alloc(cap + 1 - jpeg.length)]), 413, /larger than 10 MB/],
      ['20 MB file', Buffer.concat([jpeg, Buffer.alloc(20 * 1024 * 1024 - jpeg.length)]), 413, /larger than 10 MB/],
      ['empty file', Buffer.alloc(0), 422, /empty/],
    ];
    if (!(await t.app.services.images.acceptedFormats()).has('heic')) {
      // An iPhone photo's first bytes: this sharp build has no HEVC decoder, so it is refused up front.
      const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
      cases.push(['HEIC without a decoder', heic, 415, /HEIC image, which this server cannot read/]);
    }
    for (const [label, bytes, status, message] of cases) {
      const res = await postFile(a, `/api/contacts/${contactId}/photos`, bytes, { filename: 'photo.jpg', contentType: 'image/jpeg' });
      expect(res.status, `${label}: ${res.text}`).toBe(status);
      expect(res.body.error.message, label).toMatch(message);
    }

    const wrongField = await postFile(a, `/api/contacts/${contactId}/photos`, jpeg, { field: 'image' });
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.error.message).toMatch(/field named "file"/);
    const json = await a.post(`/api/contacts/${contactId}/photos`, { file: 'x' });
    expect(json.status).toBe(415);
    // Multipart parsing is scoped to the upload route: JSON routes still refuse it.
    expect((await postFile(a, '/api/contacts', jpeg)).status).toBe(415);

    expect(await storedPhotoCount(a.userId)).toBe(1);
    const contact = await a.get(`/api/contacts/${contactId}`);
    expect(contact.body.photoUrl).toBe(good.body.url);
  });

  it('refuses a file for a contact that is not yours or does not exist, before processing it', async () => {
    const [a, b] = [await signUp(t.app, 'photos-own-a'), await signUp(t.app, 'photos-own-b')];
    const bContact = await newContact(b);
    const image = await noise(60, 60).png().toBuffer();
    expect((await postFile(a, `/api/contacts/${bContact}/photos`, image)).status).toBe(404);
    expect((await postFile(a, `/api/contacts/${crypto.randomUUID()}/photos`, image)).status).toBe(404);
    expect(await storedPhotoCount(a.userId)).toBe(0);
    expect(await storedPhotoCount(b.userId)).toBe(0);
  });
});

describe('serving', () => {
  it('serves the bytes only to the owner, revalidated through its ETag on every use', async () => {
    const [a, b] = [await signUp(t.app, 'photos-serve-a'), await signUp(t.app, 'photos-serve-b')];
    const contactId = await newContact(a);
    const up = await postFile(a, `/api/contacts/${contactId}/photos`, await noise(100, 100).jpeg().toBuffer());
    const { res } = await fetchImage(a, up.body.url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(res.headers['x-db-statements']).toBe('1');

    const cookie = [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const revalidated = await t.app.inject({ method: 'GET', url: up.body.url, headers: { cookie, 'if-none-match': `W/"0000", ${etag}` } });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.rawPayload.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
    const changed = await t.app.inject({ method: 'GET', url: up.body.url, headers: { cookie, 'if-none-match': `"${'0'.repeat(64)}"` } });
    expect(changed.statusCode).toBe(200);

    const stranger = await b.get(up.body.url);
    expect(stranger.status).toBe(404);
    expect(stranger.headers['content-type']).toMatch(/application\/json/);
    expect(stranger.body.error.code).toBe('not_found');
    const anonymous = await t.app.inject({ method: 'GET', url: up.body.url });
    expect(anonymous.statusCode).toBe(401);
  });

  it('handles two users uploading at once, within the global bound on image jobs', async () => {
    const [a, b] = [await signUp(t.app, 'photos-race-a'), await signUp(t.app, 'photos-race-b')];
    const [aContact, bContact] = [await newContact(a), await newContact(b)];
    const images = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        noise(200 + i * 10, 160)
          .jpeg()
          .toBuffer(),
      ),
    );
    const uploads = await Promise.all(
      images.flatMap((bytes) => [
        postFile(a, `/api/contacts/${aContact}/photos`, bytes),
        postFile(b, `/api/contacts/${bContact}/photos`, bytes),
      ]),
    );
    expect(uploads.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(t.app.services.images.stats().peak).toBeLessThanOrEqual(LIMITS.photo.concurrency);
    expect(t.app.services.images.stats().active).toBe(0);

    const [aList, bList] = [await a.get(`/api/contacts/${aContact}/photos`), await b.get(`/api/contacts/${bContact}/photos`)];
    expect(aList.body.items).toHaveLength(6);
    expect(bList.body.items).toHaveLength(6);
    expect(aList.body.items.every((p: { contactId: string }) => p.contactId === aContact)).toBe(true);
    for (const photo of bList.body.items) expect((await a.get(photo.url)).status).toBe(404);
    // The active photo is one of each user's own uploads.
    const aActive = (await a.get(`/api/contacts/${aContact}`)).body.photoUrl;
    expect(aList.body.items.map((p: { url: string }) => p.url)).toContain(aActive);
  });
});

describe('consent and the profile picture', () => {
  it('refuses an upload without photo consent (409, nothing stored), and accepts it once consent is recorded', async () => {
    const a = await signUp(t.app, 'photos-consent');
    const contactId = await newContact(a, 'No consent', false);
    const image = await noise(60, 60).jpeg().toBuffer();
    const refused = await postFile(a, `/api/contacts/${contactId}/photos`, image);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'conflict', details: { reason: 'no_photo_consent' } });
    expect(refused.body.error.message).toContain('photo consent');
    expect(await storedPhotoCount(a.userId)).toBe(0);
    expect((await a.get(`/api/contacts/${contactId}`)).body.photoUrl).toBeNull();

    expect((await a.patch(`/api/contacts/${contactId}`, { hasPhotoConsent: true })).status).toBe(200);
    const accepted = await postFile(a, `/api/contacts/${contactId}/photos`, image);
    expect(accepted.status, accepted.text).toBe(201);
    // Withdrawn consent refuses the next upload again.
    expect((await a.patch(`/api/contacts/${contactId}`, { hasPhotoConsent: false })).status).toBe(200);
    expect((await postFile(a, `/api/contacts/${contactId}/photos`, image)).status).toBe(409);
    expect(await storedPhotoCount(a.userId)).toBe(1);
  });

  it('keeps the current picture unless the upload asks to replace it', async () => {
    const a = await signUp(t.app, 'photos-activate');
    const contactId = await newContact(a);
    const upload = async (query: string, colour: string) => {
      const res = await postFile(a, `/api/contacts/${contactId}/photos${query}`, await solid(50, 50, colour).png().toBuffer());
      expect(res.status, res.text).toBe(201);
      return res.body as { id: string; url: string; isActive: boolean };
    };
    const photoUrl = async () => (await a.get(`/api/contacts/${contactId}`)).body.photoUrl;
    // The first photo becomes the picture (there was none); later ones join the history.
    const first = await upload('', '#aa0000');
    expect(first.isActive).toBe(true);
    expect(await photoUrl()).toBe(first.url);
    const second = await upload('', '#00aa00');
    expect(second.isActive).toBe(false);
    const third = await upload('?activate=false', '#0000aa');
    expect(third.isActive).toBe(false);
    expect(await photoUrl()).toBe(first.url);
    const fourth = await upload('?activate=true', '#aaaa00');
    expect(fourth.isActive).toBe(true);
    expect(await photoUrl()).toBe(fourth.url);
    const bad = await postFile(a, `/api/contacts/${contactId}/photos?activate=yes`, await solid(50, 50, '#000').png().toBuffer());
    expect(bad.status).toBe(400);
  });
});

describe('history', () => {
  it('lists newest first in pages, activates, and deletes; the contact follows its active photo', async () => {
    const a = await signUp(t.app, 'photos-history');
    const contactId = await newContact(a);
    const otherContact = await newContact(a, 'Other');
    const ids: string[] = [];
    for (const colour of ['#aa3344', '#33aa44', '#3344aa']) {
      const res = await postFile(a, `/api/contacts/${contactId}/photos?activate=true`, await solid(90, 90, colour).png().toBuffer());
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const first = await a.get(`/api/contacts/${contactId}/photos?limit=2`);
    expect(first.status).toBe(200);
    expect(first.headers['x-db-statements']).toBe('1');
    expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.items.map((p: { isActive: boolean }) => p.isActive)).toEqual([true, false]);
    const second = await a.get(`/api/contacts/${contactId}/photos?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0], isActive: false })], nextCursor: null });
    expect((await a.get(`/api/contacts/${otherContact}/photos`)).body).toEqual({ items: [], nextCursor: null });
    expect((await a.get(`/api/contacts/${contactId}/photos?cursor=forged.cursor`)).status).toBe(400);

    const activated = await a.post(`/api/contacts/${contactId}/photos/${ids[0]}/activate`);
    expect(activated.status, activated.text).toBe(200);
    expect(activated.headers['x-db-statements']).toBe('1');
    expect(activated.body).toMatchObject({ id: ids[0], contactId, isActive: true, url: `/api/photos/${ids[0]}`, width: 400, height: 400 });
    expect((await a.get(`/api/contacts/${contactId}`)).body.photoUrl).toBe(`/api/photos/${ids[0]}`);
    const afterActivate = await a.get(`/api/contacts/${contactId}/photos`);
    expect(afterActivate.body.items.map((p: { isActive: boolean }) => p.isActive)).toEqual([false, false, true]);
    // A photo can only become the active photo of its own contact.
    expect((await a.post(`/api/contacts/${otherContact}/photos/${ids[1]}/activate`)).status).toBe(404);

    expect((await a.delete(`/api/photos/${ids[1]}`)).status).toBe(204);
    expect((await a.get(`/api/contacts/${contactId}`)).body.photoUrl).toBe(`/api/photos/${ids[0]}`);
    expect((await a.delete(`/api/photos/${ids[0]}`)).status).toBe(204);
    expect((await a.get(`/api/contacts/${contactId}`)).body.photoUrl).toBeNull();
    expect((await a.get(`/api/photos/${ids[0]}`)).status).toBe(404);
    expect((await a.delete(`/api/photos/${ids[0]}`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${contactId}/photos`)).body.items.map((p: { id: string }) => p.id)).toEqual([ids[2]]);
  });

  it('answers 404 for the history of a contact that is not yours', async () => {
    const [a, b] = [await signUp(t.app, 'photos-hist-a'), await signUp(t.app, 'photos-hist-b')];
    const bContact = await newContact(b);
    expect((await a.get(`/api/contacts/${bContact}/photos`)).status).toBe(404);
  });
});

describe('over a real socket', () => {
  let port = 0;
  beforeAll(async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });

  /** Starts a multipart upload whose body the test writes by hand, to control when bytes arrive. */
  function startUpload(client: TestClient, contactId: string, contentLength?: number) {
    const boundary = 'mcrm-socket-test';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
    );
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/contacts/${contactId}/photos`,
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': client.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(contentLength === undefined ? {} : { 'content-length': String(head.length + contentLength + boundary.length + 8) }),
      },
    });
    req.on('error', () => {});
    const response = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }>((resolve) => {
      req.on('response', async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') });
      });
    });
    req.write(Buffer.concat([head, Buffer.from([0xff, 0xd8, 0xff, 0xe0])]));
    return { req, response };
  }

  const openConnections = () =>
    new Promise<number>((resolve, reject) =>
      t.app.server.getConnections((err: Error | null, n: number) => (err ? reject(err) : resolve(n))),
    );

  /** Writes `total` bytes in 64 KB chunks, stopping early if the server has already answered. */
  async function writeUntilAnswered(req: http.ClientRequest, response: Promise<unknown>, total: number) {
    let answered = false;
    void response.then(() => (answered = true));
    const chunk = Buffer.alloc(64 * 1024, 7);
    for (let sent = 0; sent < total && !answered; sent += chunk.length) {
      if (!req.write(chunk)) await Promise.race([once(req, 'drain'), response]);
    }
  }

  it('answers 413 to a declared 20 MB upload before the body is sent', async () => {
    const a = await signUp(t.app, 'photos-socket-declared');
    const contactId = await newContact(a);
    const { req, response } = startUpload(a, contactId, 20 * 1024 * 1024);
    // Only the part headers and four bytes of the file were sent; the server must not wait for more.
    const res = await response;
    req.destroy();
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(res.headers.connection).toBe('close');
    expect(await storedPhotoCount(a.userId)).toBe(0);
  });

  it('answers 413 to a streamed upload once it passes the cap, without reading the rest', async () => {
    const a = await signUp(t.app, 'photos-socket-chunked');
    const contactId = await newContact(a);
    // No Content-Length (chunked): only counting the streamed bytes can catch it.
    const { req, response } = startUpload(a, contactId);
    await writeUntilAnswered(req, response, LIMITS.photo.uploadBytes + 1024 * 1024);
    const res = await response;
    req.destroy();
    expect(res.status).toBe(413);
    // The rest of the body is never read, so the server must drop the connection rather than keep it paused.
    expect(res.headers.connection).toBe('close');
    await vi.waitFor(async () => expect(await openConnections()).toBe(0), { timeout: 10_000 });
    expect(await storedPhotoCount(a.userId)).toBe(0);
  });

  it('frees the image slot when the client goes away mid-upload', async () => {
    const a = await signUp(t.app, 'photos-socket-abort');
    const contactId = await newContact(a);
    const { req, response } = startUpload(a, contactId);
    await writeUntilAnswered(req, response, 512 * 1024);
    await vi.waitFor(() => expect(t.app.services.images.stats().active).toBe(1), { timeout: 10_000 });
    req.destroy();
    await vi.waitFor(() => expect(t.app.services.images.stats().active).toBe(0), { timeout: 10_000 });
    expect(await storedPhotoCount(a.userId)).toBe(0);
  });
});

describe('image job limits', () => {
  it('runs at most `concurrency` jobs, queues a bounded number, and refuses the rest with 503', async () => {
    const limiter = createJobLimiter(2, 1);
    const gates: Array<() => void> = [];
    const job = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const running = [limiter.run(job), limiter.run(job), limiter.run(job)];
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    expect(limiter.stats()).toEqual({ active: 2, waiting: 1, peak: 2 });
    await expect(limiter.run(job)).rejects.toMatchObject({ status: 503, retryAfterSeconds: 5 });
    gates[0]!();
    await vi.waitFor(() => expect(gates).toHaveLength(3));
    expect(limiter.stats()).toEqual({ active: 2, waiting: 0, peak: 2 });
    gates[1]!();
    gates[2]!();
    expect(await Promise.all(running)).toEqual(['done', 'done', 'done']);
    expect(limiter.stats()).toEqual({ active: 0, waiting: 0, peak: 2 });
  });

  it('gives up the slot when an upload stalls', async () => {
    const images = createImageProcessor({ ...LIMITS.photo, maxBytes: LIMITS.photo.uploadBytes, maxPixels: 1_000_000, uploadTimeoutMs: 50 });
    const stalled = new PassThrough();
    stalled.write(await noise(40, 40).jpeg().toBuffer()); // some bytes, then nothing and no end
    try {
      await expect(images.toSquareWebp(stalled)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/took longer/) });
      expect(images.stats()).toMatchObject({ active: 0, waiting: 0 });
    } finally {
      images.close();
    }
  });

  it('frees the slot of a job that fails', async () => {
    const limiter = createJobLimiter(1, 0);
    await expect(limiter.run(async () => Promise.reject(new Error('bad image')))).rejects.toThrow('bad image');
    expect(await limiter.run(async () => 'next')).toBe('next');
    expect(limiter.stats().active).toBe(0);
  });
});

// Last in the file: everything above (good and bad uploads) ran with this private temp dir.
it('leaves no temporary files behind', () => {
  expect(os.tmpdir()).toBe(tmp.dir);
  // The photo worker runs from source here, through tsx, whose compile cache is not the product's.
  expect(fs.readdirSync(tmp.dir).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
});

describe('photo worker', () => {
  it('hands a photo sent to a worker that just died to a new one', async () => {
    const images = createImageWorker({ ...LIMITS.photo.worker, idleMs: 60_000 });
    try {
      const photo = await noise(300, 200).jpeg().toBuffer();
      await images.formats();
      const killed = images.pid()!;
      process.kill(killed, 'SIGKILL');
      // In the same tick: the server has not seen the exit yet and sends the photo to the dead worker.
      const made = await images.squareWebp(photo, LIMITS.photo.size, 40_000_000);
      expect(made).toMatchObject({ ok: true, width: LIMITS.photo.size, height: LIMITS.photo.size });
      expect(images.pid()).not.toBe(killed);
      expect(isRunning(killed)).toBe(false);
    } finally {
      images.close();
    }
  });

  const processor = (worker: Partial<ImageWorkerOptions>) =>
    createImageProcessor({
      ...LIMITS.photo,
      maxBytes: LIMITS.photo.uploadBytes,
      maxPixels: 40_000_000,
      worker: { ...LIMITS.photo.worker, ...worker },
    });

  it('answers 503 for a decode that outlives its bound, and the next photo gets a new worker', async () => {
    const images = processor({ jobTimeoutMs: 1 });
    try {
      const big = await noise(3000, 2000).jpeg().toBuffer();
      await images.acceptedFormats();
      const first = images.workerPid()!;
      await expect(images.toSquareWebp(Readable.from([big]))).rejects.toMatchObject({
        status: 503,
        message: expect.stringMatching(/Try the upload again/),
      });
      await vi.waitFor(() => expect(isRunning(first)).toBe(false));
      expect(images.stats()).toMatchObject({ active: 0, waiting: 0 });
      await images.acceptedFormats();
      expect(images.workerPid()).not.toBe(first);
    } finally {
      images.close();
    }
  });

  it('starts a new worker after one was killed, and ends an idle one', async () => {
    const images = processor({ idleMs: 200 });
    try {
      const photo = await noise(300, 200).jpeg().toBuffer();
      const made = await images.toSquareWebp(Readable.from([photo]));
      expect(made).toMatchObject({ width: LIMITS.photo.size, height: LIMITS.photo.size, sourceFormat: 'jpeg' });
      const killed = images.workerPid()!;
      process.kill(killed, 'SIGKILL');
      await vi.waitFor(() => expect(images.workerPid()).toBeUndefined());
      expect(isRunning(killed)).toBe(false);
      expect(await images.toSquareWebp(Readable.from([photo]))).toMatchObject({ width: LIMITS.photo.size });
      const second = images.workerPid()!;
      expect(second).not.toBe(killed);
      // Idle for longer than idleMs: the worker exits, and the server holds no image library at all.
      await vi.waitFor(() => expect(images.workerPid()).toBeUndefined(), { timeout: 5_000 });
      await vi.waitFor(() => expect(isRunning(second)).toBe(false));
    } finally {
      images.close();
    }
  });
});
