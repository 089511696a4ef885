import type { Dispatcher } from 'undici';
import { LRUCache } from 'lru-cache';
import type { LIMITS } from '../limits.js';
import { type CircuitBreaker, createCircuitBreaker } from './circuit-breaker.js';
import { type Exchange, exchange, type Headers } from './exchange.js';
import { OutboundError, wasNeverSent } from './outbound-error.js';
import type { OutboundMetrics } from './outbound-metrics.js';
import { backoffDelayMs, isIdempotent, isRetryableStatus, parseRetryAfter } from './retry.js';
import { checkUserUrl, type Resolve } from './ssrf-guard.js';

export type OutboundLimits = { -readonly [K in keyof typeof LIMITS.outbound]: number };

export type OutboundRequest = {
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Allows retries of a non-idempotent method (a POST the server deduplicates, or one that only reads). */
  retrySafe?: boolean;
  /** The caller's cancellation: the call then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Overrides the provider's `callTimeoutMs` and `responseBytes` for this call. */
  timeoutMs?: number;
  maxBytes?: number;
};

/** An answer whose body is read as it arrives (`stream`): the timeout bounds each pause, not the whole. */
export type OutboundStreamResponse = { status: number; url: string; headers: Headers; body: AsyncIterable<Buffer> };

export type OutboundResponse = {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  headers: Headers;
  body: Buffer;
  text(): string;
  json(): unknown;
};

type ProviderDeps = {
  name: string;
  trustedOrigins: ReadonlySet<string>;
  limits: OutboundLimits;
  trustedAgent: () => Promise<Dispatcher>;
  guardedAgent: () => Promise<Dispatcher>;
  metrics: OutboundMetrics;
  resolve: Resolve;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: never sent on to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

type Hop = {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  request: OutboundRequest;
  stream?: boolean;
};

/** The calls of one provider: redirects, then retries, then one attempt through its breaker. */
export function createProviderClient(deps: ProviderDeps) {
  const { name, limits } = deps;
  const breakerOptions = { failureThreshold: limits.breakerFailures, cooldownMs: limits.breakerCooldownMs, now: deps.now };
  const providerBreaker = createCircuitBreaker(breakerOptions);
  // A user-supplied URL's origin gets its own breaker: one dead calendar feed must not stop the others.
  const originBreakers = new LRUCache<string, CircuitBreaker>({ max: limits.breakerOrigins });

  function breakerFor(url: URL, trusted: boolean): CircuitBreaker {
    if (trusted) return providerBreaker;
    let breaker = originBreakers.get(url.origin);
    if (!breaker) originBreakers.set(url.origin, (breaker = createCircuitBreaker(breakerOptions)));
    return breaker;
  }

  function statusError(ex: Exchange, retryAfterMs?: number) {
    return new OutboundError('http_status', name, `answered ${ex.status}`, { status: ex.status, retryAfterMs, body: ex.body });
  }

  async function attempt(hop: Hop): Promise<Exchange> {
    const trusted = deps.trustedOrigins.has(hop.url.origin);
    const slot = breakerFor(hop.url, trusted).acquire();
    if (slot.refusedForMs > 0) {
      throw new OutboundError('circuit_open', name, 'the circuit is open after repeated failures', { retryAfterMs: slot.refusedForMs });
    }
    try {
      const ex = await exchange({
        provider: name,
        dispatcher: await (trusted ? deps.trustedAgent : deps.guardedAgent)(),
        url: hop.url,
        method: hop.method,
        headers: hop.headers,
        body: hop.body,
        timeoutMs: hop.request.timeoutMs ?? limits.callTimeoutMs,
        maxBytes: hop.request.maxBytes ?? limits.responseBytes,
        signal: hop.request.signal,
        stream: hop.stream,
        before: trusted ? undefined : () => checkUserUrl(hop.url, deps.resolve),
      });
      slot.settle(isRetryableStatus(ex.status) ? 'failure' : 'success');
      return ex;
    } catch (err) {
      const failed = err instanceof OutboundError && (err.kind === 'network' || err.kind === 'timeout');
      slot.settle(failed ? 'failure' : 'neutral');
      throw err;
    }
  }

  /** One hop with its retries: resolves with an answer below 400, rejects with an `OutboundError` otherwise. */
  async function withRetries(hop: Hop): Promise<Exchange> {
    const retryAllowed = hop.request.retrySafe === true || isIdempotent(hop.method);
    let waited = 0;
    for (let n = 1; ; n++) {
      let failure: OutboundError;
      let mayRetry: boolean;
      try {
        const ex = await attempt(hop);
        if (ex.status < 400) return ex;
        failure = statusError(ex, parseRetryAfter(ex.headers['retry-after'], deps.now()));
        mayRetry = retryAllowed && isRetryableStatus(ex.status);
      } catch (err) {
        if (!(err instanceof OutboundError)) throw err; // the caller cancelled
        failure = err;
        const transient = err.kind === 'network' || err.kind === 'timeout';
        mayRetry = transient && (retryAllowed || wasNeverSent(err));
      }
      deps.metrics.attemptFailed(name, failure.kind);
      if (!mayRetry || n >= limits.maxAttempts) throw failure;
      const delay = backoffDelayMs(n, failure.retryAfterMs, limits, deps.random);
      if (waited + delay > limits.maxTotalRetryWaitMs) throw failure;
      waited += delay;
      await deps.sleep(delay, hop.request.signal);
    }
  }

  async function send(request: OutboundRequest, stream = false): Promise<{ ex: Exchange; url: URL }> {
    const method = (request.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new OutboundError('blocked_address', name, 'not a valid URL');
    }
    let hop: Hop = { url, method, headers, body: request.body, request, stream };
    for (let redirects = 0; ; redirects++) {
      const ex = await withRetries(hop);
      const location = ex.headers.location;
      if (!REDIRECTS.has(ex.status) || typeof location !== 'string') return { ex, url: hop.url };
      if (redirects >= limits.maxRedirects) {
        throw new OutboundError('too_many_redirects', name, `more than ${limits.maxRedirects} redirects`);
      }
      hop = nextHop(hop, ex.status, location);
    }
  }

  function nextHop(hop: Hop, status: number, location: string): Hop {
    let url: URL;
    try {
      url = new URL(location, hop.url);
    } catch {
      throw new OutboundError('http_status', name, `answered ${status} with an unreadable Location`, { status });
    }
    const headers = { ...hop.headers };
    if (url.origin !== hop.url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
    // As browsers do: 303 always, and 301/302 after a POST, turn into a GET without a body.
    if (status === 303 || ((status === 301 || status === 302) && hop.method === 'POST')) {
      delete headers['content-type'];
      delete headers['content-length'];
      return { url, headers, method: hop.method === 'HEAD' ? 'HEAD' : 'GET', request: hop.request };
    }
    return { ...hop, url, headers };
  }

  async function measured<T>(call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await call();
    } catch (err) {
      outcome = err instanceof OutboundError ? err.kind : 'aborted';
      throw err;
    } finally {
      deps.metrics.callDone(name, outcome, (performance.now() - started) / 1000);
    }
  }

  return {
    name,
    /**
     * Sends a request and reads its answer whole. Resolves for any status below 400 that is not a
     * followed redirect; rejects with an `OutboundError` (or the caller's abort reason) otherwise.
     */
    request: (request: OutboundRequest): Promise<OutboundResponse> =>
      measured(async () => {
        const { ex, url } = await send(request);
        return toResponse(ex, url);
      }),
    /**
     * Like `request`, but a success's body is handed over as it arrives (server-sent events): the
     * retries, the breaker and the timeout cover the call up to the answer's headers; then each
     * pause in the body is bounded by the timeout and its size by the cap (both end the body with
     * an `OutboundError`). Metrics count the call when its headers arrived.
     */
    stream: (request: OutboundRequest): Promise<OutboundStreamResponse> =>
      measured(async () => {
        const { ex, url } = await send(request, true);
        return { status: ex.status, url: url.href, headers: ex.headers, body: ex.stream ?? once(ex.body) };
      }),
  };
}

async function* once(body: Buffer): AsyncIterable<Buffer> {
  yield body;
}

function toResponse(ex: Exchange, url: URL): OutboundResponse {
  return {
    status: ex.status,
    url: url.href,
    headers: ex.headers,
    body: ex.body,
    text: () => ex.body.toString('utf8'),
    json: () => JSON.parse(ex.body.toString('utf8')),
  };
}

export type OutboundProvider = ReturnType<typeof createProviderClient>;
