import { createRequire } from 'node:module';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Sharp from 'sharp';
import { AppError } from './errors.js';
import { describeUnsupported, FORMAT_LABELS, type ImageFormat, SNIFF_BYTES, sniffImageFormat } from './image-format.js';

export type ImageProcessorOptions = {
  /** Output is a size×size WebP. */
  size: number;
  maxBytes: number;
  maxPixels: number;
  /** Image jobs running at once in this process, across all requests. */
  concurrency: number;
  /** Jobs allowed to wait for a slot before new ones are refused with 503. */
  queue: number;
  /** A job holds its slot while the upload arrives; a stalled upload gives it up after this long. */
  uploadTimeoutMs: number;
};

export type ProcessedImage = { data: Buffer; width: number; height: number; sourceFormat: ImageFormat };

/** A counting semaphore with a bounded wait list. */
export function createJobLimiter(concurrency: number, maxWaiting: number) {
  let active = 0;
  let peak = 0;
  const waiting: Array<() => void> = [];

  async function acquire() {
    if (active < concurrency) {
      active += 1;
      peak = Math.max(peak, active);
      return;
    }
    if (waiting.length >= maxWaiting) {
      throw new AppError('unavailable', 'Too many photos are being processed right now. Try again in a few seconds.', undefined, 5);
    }
    // release() hands its slot straight to the first waiter, so `active` stays unchanged.
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release() {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  }

  return {
    async run<T>(job: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await job();
      } finally {
        release();
      }
    },
    stats: () => ({ active, waiting: waiting.length, peak }),
  };
}

let loaded: typeof Sharp | undefined;

/**
 * sharp and libvips (about 8 MB resident once mapped) are loaded by the first photo, not at start:
 * most processes of the embedded default never process one (ARCHITECTURE.md, memory of the
 * embedded default). `require` keeps the first use synchronous; sharp is a CommonJS module.
 */
function loadSharp(): typeof Sharp {
  if (!loaded) {
    loaded = createRequire(import.meta.url)('sharp') as typeof Sharp;
    // libvips' operation cache keeps decoded images for reuse; uploads never repeat, so it only
    // holds memory between unrelated requests.
    loaded.cache(false);
    // libvips threads per image: more would multiply the memory of one decode for little gain here.
    loaded.concurrency(1);
  }
  return loaded;
}

/** Formats this sharp build can decode from a stream (prebuilt sharp reads AVIF but not HEVC-coded HEIC). */
function decodableFormats(): Set<ImageFormat> {
  const sharp = loadSharp();
  const formats = new Set<ImageFormat>();
  for (const f of ['jpeg', 'png', 'webp', 'gif'] as const) if (sharp.format[f]?.input.stream) formats.add(f);
  const heif = sharp.format.heif?.input;
  const suffixes = heif && 'fileSuffix' in heif ? ((heif as { fileSuffix?: string[] }).fileSuffix ?? []) : [];
  if (heif?.stream && suffixes.includes('.avif')) formats.add('avif');
  if (heif?.stream && (suffixes.includes('.heic') || suffixes.includes('.heif'))) formats.add('heic');
  return formats;
}

/**
 * Counts bytes (the size cap) and checks the magic bytes before anything reaches the decoder;
 * the file streams through it, nothing is written anywhere.
 */
function createUploadGuard(accepted: Set<ImageFormat>, maxBytes: number) {
  const labels = [...accepted].map((f) => FORMAT_LABELS[f]);
  const list = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? 'supported');
  const head: Buffer[] = [];
  let headBytes = 0;
  let total = 0;
  let format: ImageFormat | undefined;

  const decide = (): Buffer => {
    const bytes = Buffer.concat(head);
    head.length = 0;
    const sniffed = sniffImageFormat(bytes);
    if (!sniffed || !accepted.has(sniffed)) {
      const what = sniffed ? `a ${FORMAT_LABELS[sniffed]} image, which this server cannot read` : describeUnsupported(bytes);
      const prefix = what ? `The file is ${what}.` : 'The file is not an image this server recognises.';
      throw new AppError('unsupported_media_type', `${prefix} Upload a ${list} image.`, { accepted: [...accepted] });
    }
    format = sniffed;
    return bytes;
  };

  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) {
        return callback(
          new AppError('payload_too_large', `The photo is larger than ${Math.round(maxBytes / 1024 / 1024)} MB. Choose a smaller image.`),
        );
      }
      if (format) return callback(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < SNIFF_BYTES) return callback();
      try {
        callback(null, decide());
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback) {
      if (format) return callback();
      if (headBytes === 0) return callback(new AppError('unprocessable', 'The file is empty. Choose an image file and try again.'));
      try {
        callback(null, decide());
      } catch (err) {
        callback(err as Error);
      }
    },
  });
  return { guard, format: () => format };
}

function decodeError(err: unknown, maxPixels: number): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new AppError(
      'unprocessable',
      `The image is too large: it has more than ${Math.round(maxPixels / 1_000_000)} million pixels. Resize it and try again.`,
    );
  }
  return new AppError(
    'unprocessable',
    'The image could not be read: the file is truncated or corrupt. Open it in an image editor, save it again and retry.',
  );
}

/**
 * Turns an uploaded image stream into a square WebP avatar. One instance per process, created at
 * start and injected: its limiter is the global bound on concurrent image work.
 */
export function createImageProcessor(options: ImageProcessorOptions) {
  let formats: Set<ImageFormat> | undefined;
  const accepted = () => {
    formats ??= decodableFormats();
    return formats;
  };
  const limiter = createJobLimiter(options.concurrency, options.queue);

  return {
    /** What this server can decode; asking loads sharp. */
    get acceptedFormats() {
      return accepted();
    },
    stats: limiter.stats,

    /** Streams `input` into sharp; rejects with an AppError (413, 415, 422, 400) for a bad file. */
    toSquareWebp(input: Readable): Promise<ProcessedImage> {
      return limiter.run(async () => {
        const { guard, format } = createUploadGuard(accepted(), options.maxBytes);
        const image = loadSharp()({ limitInputPixels: options.maxPixels, failOn: 'warning', autoOrient: true, sequentialRead: true })
          .resize(options.size, options.size, { fit: 'cover', position: 'attention' })
          .webp({ quality: 82, effort: 4 });
        const stalled = setTimeout(() => {
          const seconds = Math.round(options.uploadTimeoutMs / 1000);
          input.destroy(new AppError('bad_request', `The upload took longer than ${seconds} s. Check the connection and try again.`));
        }, options.uploadTimeoutMs);
        try {
          // Resolves once sharp's writable side has the whole file; sharp only decodes after that.
          await pipeline(input, guard, image);
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new AppError('bad_request', 'The upload ended before the file was complete. Try again.');
        } finally {
          clearTimeout(stalled);
        }
        try {
          const { data, info } = await image.toBuffer({ resolveWithObject: true });
          return { data, width: info.width, height: info.height, sourceFormat: format()! };
        } catch (err) {
          throw decodeError(err, options.maxPixels);
        }
      });
    },
  };
}
export type ImageProcessor = ReturnType<typeof createImageProcessor>;
