import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export type LoadSheddingOptions = {
  /** Shed when a callback waited longer than this within the last sample window (0: off). */
  maxEventLoopDelayMs: number;
  /** Shed when resident memory is above this (0: off). */
  maxRssBytes: number;
  /** No shedding this long after start. */
  graceMs: number;
  sampleMs: number;
  onShed(request: FastifyRequest, reply: FastifyReply, reason: string): void;
};

const RESOLUTION_MS = 10;

/**
 * Answers API requests with 503 while the process is overloaded. Replaces @fastify/under-pressure,
 * which reported an infinite delay when no sample landed in its window (so it shed right after
 * every start) and shed health checks and the web app's own files too. Only /api requests are
 * shed: health routes, metrics and static files always answer, so a page can load and a load
 * balancer can tell a busy process from a dead one.
 */
export function registerLoadShedding(app: FastifyInstance, options: LoadSheddingOptions) {
  if (options.maxEventLoopDelayMs <= 0 && options.maxRssBytes <= 0) return;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const startedAt = performance.now();
  let lastTick = startedAt;
  let delayMs = 0;
  let rssBytes = process.memoryUsage.rss();

  const timer = setInterval(() => {
    const now = performance.now();
    // This timer's own lateness is a sample too: it exists even when the histogram has none.
    const late = Math.max(0, now - lastTick - options.sampleMs);
    lastTick = now;
    const worst = histogram.count > 0 ? Math.max(0, histogram.max / 1e6 - RESOLUTION_MS) : 0;
    delayMs = Math.max(late, worst);
    histogram.reset();
    rssBytes = process.memoryUsage.rss();
  }, options.sampleMs);
  timer.unref();
  app.addHook('onClose', async () => {
    clearInterval(timer);
    histogram.disable();
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/api/') || performance.now() - startedAt < options.graceMs) return done();
    if (options.maxEventLoopDelayMs > 0 && delayMs > options.maxEventLoopDelayMs) {
      return options.onShed(request, reply, `event-loop delay ${Math.round(delayMs)} ms`);
    }
    if (options.maxRssBytes > 0 && rssBytes > options.maxRssBytes) {
      return options.onShed(request, reply, `memory ${Math.round(rssBytes / 1048576)} MB`);
    }
    done();
  });
}
