import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

type ProgressStream<Job> = {
  /** The record as read before the stream starts (a 404 or 401 is still an ordinary answer then). */
  first: Job;
  /** Reads the record again, every `pollMs`. */
  next: () => Promise<Job>;
  /** The "progress" event's data: sent whenever it differs from the last one sent. */
  progress: (job: Job) => unknown;
  /** True once the record is final: the "done" event carries it whole, then the stream ends. */
  done: (job: Job) => boolean;
  pollMs: number;
};

/**
 * A job's progress as server-sent events: "progress" while it changes, then "done". Once the
 * answer has started, a failure (the record deleted with its account, the database unreachable)
 * ends the stream with an "error" event rather than reaching the error handler, which cannot answer
 * a hijacked reply.
 */
export async function sendProgressStream<Job>(req: FastifyRequest, reply: FastifyReply, stream: ProgressStream<Job>) {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let closed = false;
  req.raw.on('close', () => {
    closed = true;
  });
  /** One event; `json` is its data, already serialised. */
  const event = (name: string, json: string) => res.write(`event: ${name}\ndata: ${json}\n\n`);
  let job = stream.first;
  let last = '';
  try {
    while (!closed) {
      const progress = JSON.stringify(stream.progress(job));
      if (progress !== last) {
        last = progress;
        event('progress', progress);
      }
      if (stream.done(job)) {
        event('done', JSON.stringify(job));
        break;
      }
      await new Promise((r) => setTimeout(r, stream.pollMs));
      job = await stream.next();
    }
  } catch (err) {
    if (!(err instanceof AppError)) req.log.warn({ err }, 'progress stream stopped');
    const gone = err instanceof AppError && err.code === 'not_found';
    event('error', JSON.stringify({ message: gone ? 'The job is gone.' : 'Progress is unavailable right now. Reload to see the job.' }));
  }
  res.end();
}
