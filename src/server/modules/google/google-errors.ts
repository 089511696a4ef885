import { OutboundError } from '../../platform/outbound/outbound-error.js';

/** What a failed Google call means for a sync: the one place Google's errors are reduced. */
export type GoogleErrorKind = 'temporary' | 'auth_revoked' | 'not_found' | 'cursor_invalid' | 'unknown';

export class GoogleCallError extends Error {
  override name = 'GoogleCallError';
  constructor(
    readonly kind: GoogleErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const MESSAGES: Record<GoogleErrorKind, string> = {
  temporary: 'Google is busy or unreachable; the sync will be retried.',
  auth_revoked: 'Google no longer accepts the connection. Reconnect Google on the Integrations page.',
  not_found: 'A calendar chosen for sync no longer exists. Choose the calendars again.',
  cursor_invalid: 'Google asked for a full resync.',
  unknown: 'The sync failed for an unexpected reason; it will be tried again at the next run.',
};

type GaxiosLike = { status?: number; response?: { status?: number; data?: unknown } };

function reasonsOf(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  const d = data as { error?: unknown };
  if (typeof d.error === 'string') return [d.error];
  const errors = (d.error as { errors?: { reason?: string }[] } | undefined)?.errors ?? [];
  return errors.map((e) => e.reason ?? '').filter(Boolean);
}

/** Reduces any error of a Google call (gaxios, the outbound client, ours) to a kind and a message without client data. */
export function classifyGoogleError(err: unknown): GoogleCallError {
  if (err instanceof GoogleCallError) return err;
  if (err instanceof OutboundError) {
    if (err.kind === 'http_status' && err.status) return fromStatus(err.status, []);
    return new GoogleCallError('temporary', MESSAGES.temporary);
  }
  const g = err as GaxiosLike;
  const status = g?.response?.status ?? g?.status;
  if (typeof status === 'number') return fromStatus(status, reasonsOf(g.response?.data));
  return new GoogleCallError('unknown', MESSAGES.unknown);
}

function fromStatus(status: number, reasons: string[]): GoogleCallError {
  const is = (kind: GoogleErrorKind) => new GoogleCallError(kind, MESSAGES[kind], status);
  if (reasons.includes('invalid_grant') || status === 401) return is('auth_revoked');
  if (status === 410) return is('cursor_invalid');
  if (status === 404) return is('not_found');
  if (status === 429 || status >= 500) return is('temporary');
  if (status === 403 && reasons.some((r) => r === 'rateLimitExceeded' || r === 'userRateLimitExceeded')) return is('temporary');
  return is('unknown');
}
