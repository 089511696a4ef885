import type { Dispatcher } from 'undici';
import { OutboundError, toOutboundError } from './outbound-error.js';

export type Headers = Record<string, string | string[] | undefined>;
/**
 * One HTTP request and its answer, read whole within the size cap; in stream mode a success's body
 * is `stream` instead (read as it arrives, each pause bounded by the timeout, the total by the cap).
 */
export type Exchange = { status: number; headers: Headers; body: Buffer; stream?: AsyncIterable<Buffer> };

type ExchangeArgs = {
  provider: string;
  dispatcher: Dispatcher;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** Runs first, inside the timeout (the DNS check of a user-supplied URL). */
  before?: () => Promise<void>;
  /** Hand a success's body over as it arrives (server-sent events) instead of reading it whole. */
  stream?: boolean;
};

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const tooLarge = (provider: string) => new OutboundError('too_large', provider, 'the answer is larger than the size cap');

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number, provider: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    total += bytes.length;
    // Leaving the loop destroys the body: undici stops reading and closes the connection.
    if (total > maxBytes) throw tooLarge(provider);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** A body read as it arrives, cut with `too_large` past the cap; a caller's abort ends it with the caller's reason. */
async function* cappedStream(
  body: Dispatcher.ResponseData['body'],
  maxBytes: number,
  provider: string,
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  let total = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      total += bytes.length;
      if (total > maxBytes) throw tooLarge(provider);
      yield bytes;
    }
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw toOutboundError(provider, err);
  } finally {
    if (!body.destroyed) body.on('error', () => {}).destroy();
  }
}

/**
 * Sends one request and reads its whole answer. The timeout covers everything (the DNS check, the
 * connection, the headers and the last byte of the body). A caller's abort rejects with the
 * caller's reason; every other failure becomes an `OutboundError`.
 */
export async function exchange(args: ExchangeArgs): Promise<Exchange> {
  const { provider, url, timeoutMs, maxBytes } = args;
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new OutboundError('timeout', provider, 'call timed out')), timeoutMs);
  const signal = args.signal ? AbortSignal.any([args.signal, timer.signal]) : timer.signal;
  try {
    if (args.before) await Promise.race([args.before(), rejectOnAbort(signal)]);
    const res = await args.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: args.method as Dispatcher.HttpMethod,
      headers: args.headers,
      body: args.body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.body.on('error', () => {}).destroy(); // close the connection rather than drain an unwanted body
      throw tooLarge(provider);
    }
    if (args.stream && res.statusCode < 300) {
      return {
        status: res.statusCode,
        headers: res.headers,
        body: Buffer.alloc(0),
        stream: cappedStream(res.body, maxBytes, provider, args.signal),
      };
    }
    const body = await readCapped(res.body, maxBytes, provider);
    return { status: res.statusCode, headers: res.headers, body };
  } catch (err) {
    if (args.signal?.aborted) throw args.signal.reason;
    if (err instanceof OutboundError) throw err;
    if (timer.signal.aborted) throw timer.signal.reason;
    throw toOutboundError(provider, err);
  } finally {
    clearTimeout(timeout);
  }
}
