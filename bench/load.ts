import autocannon from 'autocannon';

export type LoadRequest = { method: 'GET' | 'POST' | 'PATCH'; path: string; headers?: Record<string, string>; body?: string | Buffer };
export type LoadResult = {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** Count per HTTP status, to tell shedding (503) from timeouts or failures. */
  statusCodes: Record<string, number>;
};

/** Drives one URL (or a rotation of requests) with autocannon for a fixed time. */
export async function runLoad(opts: {
  url: string;
  requests: LoadRequest[];
  connections: number;
  seconds: number;
  onTick?: () => void;
}): Promise<LoadResult> {
  const ticker = opts.onTick ? setInterval(opts.onTick, 250) : undefined;
  try {
    const result = await autocannon({
      url: opts.url,
      connections: opts.connections,
      duration: opts.seconds,
      // A rotation: each connection cycles through the list, which gives an exact read/write mix.
      requests: opts.requests.map((r) => ({ method: r.method, path: r.path, headers: r.headers, body: r.body })),
    });
    return {
      reqPerSec: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      requests: result.requests.total,
      statusCodes: Object.fromEntries(
        Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]),
      ),
    };
  } finally {
    if (ticker) clearInterval(ticker);
  }
}
