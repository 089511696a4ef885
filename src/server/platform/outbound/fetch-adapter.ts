import type { Headers as OutboundHeaders } from './exchange.js';
import { OutboundError } from './outbound-error.js';
import type { OutboundProvider } from './provider-client.js';

export type FetchAdapterOptions = {
  /** The requests only read (an LLM completion, a token refresh): POSTs may be retried too. */
  retrySafe?: boolean;
  /** Overrides the provider's call timeout for every request of this fetch. */
  timeoutMs?: number;
  /** Overrides the provider's answer size cap for every request of this fetch (refused from Content-Length, or cut). */
  maxBytes?: number;
  /** Hands answers over as they arrive (server-sent events); the timeout then bounds each pause. */
  stream?: boolean;
};

const NULL_BODY = new Set([101, 204, 205, 304]);

function toResponse(status: number, headers: OutboundHeaders, body: Buffer | AsyncIterable<Buffer> | undefined): Response {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  if (NULL_BODY.has(status)) return new Response(null, { status, headers: out });
  if (body && !Buffer.isBuffer(body)) return new Response(streamOf(body), { status, headers: out });
  return new Response(new Uint8Array(body ?? Buffer.alloc(0)), { status, headers: out });
}

/** A web stream over the outbound body: cancelling it (the SDK's abort) ends the body and its connection. */
function streamOf(body: AsyncIterable<Buffer>): ReadableStream<Uint8Array> {
  const it = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/**
 * A `fetch` for SDKs that take one (the OpenAI SDK, Google's clients): every request goes through
 * the provider, so it gets the timeouts, retries, breaker and metrics of the one outbound client.
 * An HTTP error status comes back as a Response with that status (the SDK reads its own error
 * codes from it), after the provider's retries; network failures, timeouts and an open breaker
 * reject with the `OutboundError`. Turn the SDK's own retries off: the provider already retries.
 */
export function fetchThrough(provider: OutboundProvider, options: FetchAdapterOptions = {}): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined;
    try {
      const call = options.stream ? provider.stream : provider.request;
      const res = await call({
        url: request.url,
        method: request.method,
        headers,
        body,
        signal: init?.signal ?? undefined,
        retrySafe: options.retrySafe,
        timeoutMs: options.timeoutMs,
        maxBytes: options.maxBytes,
      });
      return toResponse(res.status, res.headers, res.body);
    } catch (err) {
      if (err instanceof OutboundError && err.kind === 'http_status' && err.status) {
        const headers: OutboundHeaders =
          err.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(err.retryAfterMs / 1000)) } : {};
        return toResponse(err.status, { 'content-type': 'application/json', ...headers }, err.body);
      }
      throw err;
    }
  };
}
