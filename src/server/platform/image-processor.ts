import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from './errors.js';
import { describeUnsupported, FORMAT_LABELS, type ImageFormat, SNIFF_BYTES, sniffImageFormat } from './image-format.js';
import { createImageWorker, type ImageWorkerOptions } from './image-worker-process.js';

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
  worker: ImageWorkerOptions;
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

const decodeError = (pixelLimit: boolean, maxPixels: number) =>
  pixelLimit
    ? new AppError(
        'unprocessable',
        `The image is too large: it has more than ${Math.round(maxPixels / 1_000_000)} million pixels. Resize it and try again.`,
      )
    : new AppError(
        'unprocessable',
        'The image could not be read: the file is truncated or corrupt. Open it in an image editor, save it again and retry.',
      );

/**
 * Turns an uploaded image stream into a square WebP avatar. One instance per process, created at
 * start and injected: its limiter is the global bound on concurrent image work. The upload is
 * checked here (size, magic bytes) and decoded in the photo worker (image-worker.ts).
 */
export function createImageProcessor(options: ImageProcessorOptions) {
  const worker = createImageWorker(options.worker);
  let formats: Promise<Set<ImageFormat>> | undefined;
  const accepted = () => {
    // The worker says what its sharp build decodes; asked again only if it could not start.
    formats ??= worker.formats().catch((err: unknown) => {
      formats = undefined;
      throw err;
    });
    return formats;
  };
  const limiter = createJobLimiter(options.concurrency, options.queue);

  return {
    /** What this server can decode (starts the photo worker the first time). */
    acceptedFormats: accepted,
    stats: limiter.stats,
    /** The photo worker's process id while one runs. */
    workerPid: worker.pid,
    close: worker.close,

    /** Reads `input` and has the worker convert it; rejects with an AppError (413, 415, 422, 400, 503) for a bad file. */
    toSquareWebp(input: Readable): Promise<ProcessedImage> {
      return limiter.run(async () => {
        const { guard, format } = createUploadGuard(await accepted(), options.maxBytes);
        const chunks: Buffer[] = [];
        const collect = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk);
            callback();
          },
        });
        const stalled = setTimeout(() => {
          const seconds = Math.round(options.uploadTimeoutMs / 1000);
          input.destroy(new AppError('bad_request', `The upload took longer than ${seconds} s. Check the connection and try again.`));
        }, options.uploadTimeoutMs);
        try {
          await pipeline(input, guard, collect);
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new AppError('bad_request', 'The upload ended before the file was complete. Try again.');
        } finally {
          clearTimeout(stalled);
        }
        const result = await worker.squareWebp(Buffer.concat(chunks), options.size, options.maxPixels);
        if (!result.ok) throw decodeError(result.pixelLimit, options.maxPixels);
        return { data: result.data, width: result.width, height: result.height, sourceFormat: format()! };
      });
    },
  };
}
export type ImageProcessor = ReturnType<typeof createImageProcessor>;
