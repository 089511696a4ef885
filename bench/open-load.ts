import { Pool } from 'undici';

/** One request of an open-model run, with the route name and class it is reported under. */
export type OpenRequest = {
  route: string;
  klass: 'read' | 'write';
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body?: string;
};

export type RouteStats = {
  route: string;
  klass: 'read' | 'write';
  /** Latency of each measured request in ms, from its scheduled time to the end of its answer. */
  latencies: number[];
  /** Failures by kind: an HTTP status ("503") or a connection error's code ("ECONNRESET"). */
  errors: Record<string, number>;
};

export type OpenLoadResult = {
  routes: Map<string, RouteStats>;
  /** Requests scheduled (and sent) in the measured window. */
  scheduled: number;
  /** Measured requests that were sent more than LATE_MS after their scheduled time (the client fell behind). */
  late: number;
  /** Measured requests that found every connection of their pool busy (they waited in the client). */
  queued: number;
  /** The largest delay between a request's scheduled time and its sending, in ms. */
  maxSendLagMs: number;
  /** Measured requests answered (or failed) per second of the measured window. */
  achievedRate: number;
  measuredSeconds: number;
};

/** A request sent later than this after its scheduled time is counted as a client-side warning. */
export const LATE_MS = 10;

/**
 * An open-model load: request i is due at t0 + i / rate whatever the server does (it does not wait
 * for earlier answers), and its latency counts from that due time, so a server that stalls is
 * charged for every request that should have been sent meanwhile (no coordinated omission).
 * Requests alternate between the targets, as a round-robin load balancer would. The first
 * `warmupSeconds` run at the same rate but are not measured.
 */
export async function runOpenLoad(opts: {
  targets: string[];
  rate: number;
  seconds: number;
  warmupSeconds: number;
  /** Keep-alive connections per target; enough that requests seldom wait for one. */
  connectionsPerTarget: number;
  /** The i-th request (the caller's seeded choices). */
  next: (i: number) => OpenRequest;
  /** Called about once a second with the measured seconds elapsed (negative during the warm-up). */
  onSecond?: (elapsed: number) => void;
  /** Each measured answer as it completes (its latency from the scheduled time, in ms). */
  onAnswer?: (request: OpenRequest, latencyMs: number) => void;
  timeoutMs?: number;
}): Promise<OpenLoadResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pools = opts.targets.map(
    (url) =>
      new Pool(url, {
        connections: opts.connectionsPerTarget,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      }),
  );
  const inFlight = opts.targets.map(() => 0);
  const routes = new Map<string, RouteStats>();
  const statsOf = (r: OpenRequest) => {
    let s = routes.get(r.route);
    if (!s) routes.set(r.route, (s = { route: r.route, klass: r.klass, latencies: [], errors: {} }));
    return s;
  };
  const interval = 1000 / opts.rate;
  const warmupCount = Math.round(opts.warmupSeconds * opts.rate);
  const total = warmupCount + Math.round(opts.seconds * opts.rate);
  let scheduled = 0;
  let late = 0;
  let queued = 0;
  let maxSendLagMs = 0;
  let measuredDone = 0;
  const pending = new Set<Promise<void>>();

  const send = (i: number, due: number) => {
    const measured = i >= warmupCount;
    const request = opts.next(i);
    const target = i % pools.length;
    const lag = performance.now() - due;
    if (measured) {
      scheduled += 1;
      maxSendLagMs = Math.max(maxSendLagMs, lag);
      if (lag > LATE_MS) late += 1;
      if (inFlight[target]! >= opts.connectionsPerTarget) queued += 1;
    }
    inFlight[target]! += 1;
    const done = (error?: string) => {
      inFlight[target]! -= 1;
      if (!measured) return;
      measuredDone += 1;
      const s = statsOf(request);
      const latency = performance.now() - due;
      s.latencies.push(latency);
      opts.onAnswer?.(request, latency);
      if (error) s.errors[error] = (s.errors[error] ?? 0) + 1;
    };
    const p = pools[target]!.request({
      method: request.method,
      path: request.path,
      headers: request.headers,
      body: request.body,
    })
      .then(async (res) => {
        await res.body.dump({ limit: Number.POSITIVE_INFINITY });
        done(res.statusCode >= 200 && res.statusCode < 300 ? undefined : String(res.statusCode));
      })
      .catch((err: { code?: string; name?: string }) => done(err.code ?? err.name ?? 'error'));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  const t0 = performance.now() + 50;
  const measuredStart = t0 + warmupCount * interval;
  let i = 0;
  let lastSecond = Number.NEGATIVE_INFINITY;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      // Everything due by now goes out now; the next wake-up is the next due time.
      while (i < total && t0 + i * interval <= now) {
        send(i, t0 + i * interval);
        i += 1;
      }
      const second = Math.floor((now - measuredStart) / 1000);
      if (second !== lastSecond) {
        lastSecond = second;
        opts.onSecond?.(second);
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, t0 + i * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });
  const end = t0 + total * interval;
  await Promise.all(pending);
  await Promise.all(pools.map((p) => p.close()));
  const measuredSeconds = Math.max(0.001, (Math.max(end, performance.now()) - measuredStart) / 1000);
  return {
    routes,
    scheduled,
    late,
    queued,
    maxSendLagMs,
    achievedRate: measuredDone / measuredSeconds,
    measuredSeconds,
  };
}

/** Nearest-rank percentile of sorted values (0 for none). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Count, p50, p95, p99, max and errors of a set of latencies. */
export function summarize(latencies: number[], errors: Record<string, number>[]) {
  const sorted = Float64Array.from(latencies).sort();
  const list = Array.from(sorted);
  const merged: Record<string, number> = {};
  for (const e of errors) for (const [k, v] of Object.entries(e)) merged[k] = (merged[k] ?? 0) + v;
  return {
    count: list.length,
    p50: percentile(list, 50),
    p95: percentile(list, 95),
    p99: percentile(list, 99),
    max: list.length ? list[list.length - 1]! : 0,
    errors: Object.values(merged).reduce((a, b) => a + b, 0),
    errorsBy: merged,
  };
}
