/**
 * The photo worker: a child process that decodes uploads and encodes the square WebP with sharp
 * (libvips), started by image-processor.ts with the first photo and ended once photos stop coming.
 * libvips' code and the native memory a decode leaves behind go away with this process instead of
 * staying in the server's resident set, and a decoder that crashes on a hostile file takes only
 * this process down (ARCHITECTURE.md, memory of the embedded default).
 *
 * Protocol (IPC, advanced serialization): it first sends `{ type: 'ready', formats }`; then, for
 * each `WorkerJob`, one `WorkerResult` with the same id. It exits when the server disconnects.
 */
import { createRequire } from 'node:module';
import type Sharp from 'sharp';
import type { ImageFormat } from './image-format.js';

export type WorkerJob = { id: number; bytes: Uint8Array; size: number; maxPixels: number };
export type WorkerResult =
  | { id: number; ok: true; data: Uint8Array; width: number; height: number }
  | { id: number; ok: false; pixelLimit: boolean };
export type WorkerReady = { type: 'ready'; formats: ImageFormat[] };

const sharp = createRequire(import.meta.url)('sharp') as typeof Sharp;
// libvips' operation cache keeps decoded images for reuse; uploads never repeat.
sharp.cache(false);
// libvips threads per image: more would multiply the memory of one decode for little gain here.
sharp.concurrency(1);

/** Formats this sharp build can decode (prebuilt sharp reads AVIF but not HEVC-coded HEIC). */
function decodableFormats(): ImageFormat[] {
  const formats: ImageFormat[] = [];
  for (const f of ['jpeg', 'png', 'webp', 'gif'] as const) if (sharp.format[f]?.input.buffer) formats.push(f);
  const heif = sharp.format.heif?.input;
  const suffixes = heif && 'fileSuffix' in heif ? ((heif as { fileSuffix?: string[] }).fileSuffix ?? []) : [];
  if (heif?.buffer && suffixes.includes('.avif')) formats.push('avif');
  if (heif?.buffer && (suffixes.includes('.heic') || suffixes.includes('.heif'))) formats.push('heic');
  return formats;
}

async function squareWebp(job: WorkerJob): Promise<WorkerResult> {
  try {
    const { data, info } = await sharp(job.bytes, {
      limitInputPixels: job.maxPixels,
      failOn: 'warning',
      autoOrient: true,
      sequentialRead: true,
    })
      .resize(job.size, job.size, { fit: 'cover', position: 'attention' })
      .webp({ quality: 82, effort: 4 })
      .toBuffer({ resolveWithObject: true });
    return { id: job.id, ok: true, data, width: info.width, height: info.height };
  } catch (err) {
    // Only whether the pixel limit refused it crosses back: the server words the answer.
    return { id: job.id, ok: false, pixelLimit: /pixel limit/i.test(err instanceof Error ? err.message : String(err)) };
  }
}

const send = (message: WorkerResult | WorkerReady) => process.send?.(message);
process.on('message', (job: WorkerJob) => {
  void squareWebp(job).then(send);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', formats: decodableFormats() });
