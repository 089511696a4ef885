import { spawn } from 'node:child_process';
import { siblingScriptArgs } from './child-script.js';
import { AppError } from './errors.js';
import type { ImageFormat } from './image-format.js';
import type { WorkerJob, WorkerReady, WorkerResult } from './image-worker.js';

export type ImageWorkerOptions = {
  /** The worker exits after this long without a photo; the next photo starts a new one. */
  idleMs: number;
  /** A job running longer than this ends the worker (its jobs answer 503). */
  jobTimeoutMs: number;
  /** The worker's V8 heap cap (images live in native memory, not in its heap). */
  heapMb: number;
};

type Settled = { ok: true; data: Buffer; width: number; height: number } | { ok: false; pixelLimit: boolean };

const stopped = () =>
  new AppError('unavailable', 'Photo processing stopped before this image was done. Try the upload again.', undefined, 5);
const notStarted = () =>
  new AppError(
    'unavailable',
    'Photos cannot be processed right now: the photo worker did not start (the server log says why).',
    undefined,
    30,
  );

/** One run of image-worker.ts: its jobs in flight, and what it can decode once it said so. */
function spawnWorker(options: ImageWorkerOptions) {
  const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMb}`, ...siblingScriptArgs(import.meta.url, 'image-worker')], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const pending = new Map<number, { resolve: (r: Settled) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let exited = false;
  let timedOut = false;
  let announce: { resolve: (f: Set<ImageFormat>) => void; reject: (e: Error) => void } | undefined;
  const formats = new Promise<Set<ImageFormat>>((resolve, reject) => (announce = { resolve, reject }));
  formats.catch(() => undefined);

  child.on('message', (message: WorkerResult | WorkerReady) => {
    if ('type' in message) return announce?.resolve(new Set(message.formats));
    const job = pending.get(message.id);
    if (!job) return;
    pending.delete(message.id);
    clearTimeout(job.timer);
    job.resolve(
      message.ok ? { ...message, data: Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength) } : message,
    );
  });
  const onEnd = () => {
    if (exited) return;
    exited = true;
    announce?.reject(notStarted());
    for (const job of pending.values()) {
      clearTimeout(job.timer);
      job.reject(stopped());
    }
    pending.clear();
  };
  child.once('exit', onEnd);
  child.once('error', onEnd);

  return {
    formats,
    get exited() {
      return exited;
    },
    /** A job outlived its bound and this worker was ended for it. */
    get timedOut() {
      return timedOut;
    },
    get busy() {
      return pending.size > 0;
    },
    pid: () => child.pid,
    run(bytes: Buffer, size: number, maxPixels: number): Promise<Settled> {
      if (exited) return Promise.reject(stopped());
      const id = nextId++;
      return new Promise<Settled>((resolve, reject) => {
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.jobTimeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, bytes, size, maxPixels } satisfies WorkerJob);
      });
    },
    stop() {
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/**
 * The photo worker as the server sees it: started by the first photo, reused while photos come,
 * ended `idleMs` after the last one, and started again if it died.
 */
export function createImageWorker(options: ImageWorkerOptions) {
  let current: ReturnType<typeof spawnWorker> | undefined;
  let idle: NodeJS.Timeout | undefined;

  const worker = () => {
    clearTimeout(idle);
    if (!current || current.exited) current = spawnWorker(options);
    return current;
  };
  const retireWhenIdle = (w: ReturnType<typeof spawnWorker>) => {
    if (w.busy || w !== current) return;
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (w === current && !w.busy) {
        w.stop();
        current = undefined;
      }
    }, options.idleMs);
    idle.unref();
  };

  return {
    /** What the worker's sharp build decodes (starts the worker if none runs). */
    async formats(): Promise<Set<ImageFormat>> {
      const w = worker();
      try {
        return await w.formats;
      } finally {
        retireWhenIdle(w);
      }
    },
    /**
     * A worker that dies under a photo for any reason but that photo's time bound (killed, or dead
     * before the server saw it exit) hands the photo to a new worker, once: a second death answers 503.
     */
    async squareWebp(bytes: Buffer, size: number, maxPixels: number): Promise<Settled> {
      for (let attempt = 1; ; attempt++) {
        const w = worker();
        try {
          return await w.run(bytes, size, maxPixels);
        } catch (err) {
          if (attempt > 1 || !w.exited || w.timedOut) throw err;
        } finally {
          retireWhenIdle(w);
        }
      }
    },
    /** The running worker's process id (tests and the benchmark read its memory). */
    pid: () => (current && !current.exited ? current.pid() : undefined),
    close() {
      clearTimeout(idle);
      current?.stop();
      current = undefined;
    },
  };
}
