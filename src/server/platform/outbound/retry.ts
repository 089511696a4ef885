/** Methods that mean the same thing when sent twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export const isIdempotent = (method: string) => IDEMPOTENT.has(method.toUpperCase());

/** Statuses worth another attempt: too many requests, and every server-side failure. */
export const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds or an HTTP date (against `nowMs`).
 * Undefined when absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

type BackoffLimits = { retryBaseDelayMs: number; retryMaxDelayMs: number };

/**
 * The wait before attempt `attempt + 1` ("full jitter": anywhere between 0 and the exponential
 * ceiling), unless the server said how long to wait, which is honoured as given.
 */
export function backoffDelayMs(attempt: number, retryAfterMs: number | undefined, limits: BackoffLimits, random: () => number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(limits.retryMaxDelayMs, limits.retryBaseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
