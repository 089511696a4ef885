/**
 * Every way an outbound call can fail, reduced to a closed set a provider can switch on.
 * A caller's own cancellation is not in the set: the call rejects with the signal's reason.
 */
export type OutboundErrorKind =
  | 'timeout'
  | 'network'
  | 'http_status'
  | 'too_large'
  | 'circuit_open'
  | 'blocked_address'
  | 'too_many_redirects';

type Details = {
  /** `http_status`: the status the server answered. */
  status?: number;
  /** `http_status` with Retry-After, or `circuit_open`: how long to wait before trying again. */
  retryAfterMs?: number;
  /** `http_status`: the answer's body (within the size cap), for the provider to read an error code. */
  body?: Buffer;
};

/**
 * Messages name the provider and the kind, never a URL or a host name, and no underlying error is
 * attached as `cause` (its message would name the host): logs stay free of what a user typed.
 */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly body?: Buffer;

  constructor(
    readonly kind: OutboundErrorKind,
    readonly provider: string,
    message: string,
    details: Details = {},
  ) {
    super(`${provider}: ${message}`);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.body = details.body;
  }
}

/** Raised inside the connector when a resolved address is refused; becomes `blocked_address`. */
export class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'ERR_OUTBOUND_BLOCKED_ADDRESS';
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const unsent = new WeakSet<OutboundError>();

/** True when the request cannot have reached the server, so even a POST may be sent again. */
export const wasNeverSent = (err: OutboundError) => unsent.has(err);

/** Maps whatever undici, the DNS resolver or a socket threw to one of the kinds. */
export function toOutboundError(provider: string, err: unknown): OutboundError {
  if (err instanceof OutboundError) return err;
  if (err instanceof BlockedAddressError) return new OutboundError('blocked_address', provider, err.message);
  const found = (err as { code?: unknown } | null)?.code;
  const code = typeof found === 'string' ? found : undefined;
  // undici's error codes (its classes are not imported, so undici loads only when a call is made).
  const isConnectTimeout = code === 'UND_ERR_CONNECT_TIMEOUT';
  const mapped =
    isConnectTimeout || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
      ? new OutboundError('timeout', provider, isConnectTimeout ? 'connect timed out' : 'call timed out')
      : new OutboundError('network', provider, `network error${code ? ` (${code})` : ''}`);
  if (isConnectTimeout || (code && CONNECT_FAILURES.has(code))) unsent.add(mapped);
  return mapped;
}
