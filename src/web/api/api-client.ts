import { issueText, plainRule } from '../lib/issue-text';

/**
 * The one way the web app talks to the server: same-origin fetch with the session cookie, the
 * CSRF header on every state-changing request, and errors turned into messages a person can act on.
 */
import { reportReachable } from './connection';

export type ApiIssue = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId?: string,
    readonly issues: ApiIssue[] = [],
    readonly retryAfterSeconds?: number,
    /** The error's details as the server sent them (a stale write's 409 carries the current record). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | undefined | null | string[]>;
type Options = { query?: Query; body?: unknown; signal?: AbortSignal; form?: FormData };

const CSRF_COOKIE = 'mcrm_csrf';
const SAFE = new Set(['GET', 'HEAD']);
let onSessionEnded: (() => void) | undefined;
const PASSWORD_ROUTES = ['/api/auth/login', '/api/auth/password', '/api/auth/google/link'];

/** Called once by the app: a 401 anywhere means the session is gone, so show the sign-in page. */
export function setSessionEndedHandler(handler: () => void) {
  onSessionEnded = handler;
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split('; ')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return undefined;
}

export async function csrfToken(): Promise<string> {
  const fromCookie = readCookie(CSRF_COOKIE);
  if (fromCookie) return fromCookie;
  // The server sets the cookie on any request; this public route exists to fetch it first.
  const res = await fetch('/api/auth/csrf', { credentials: 'same-origin' });
  const body = (await res.json()) as { csrfToken: string };
  return body.csrfToken;
}

export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const STATUS_HINTS: Record<number, string> = {
  403: 'Reload the page and try again.',
  404: 'It may have been deleted. Go back and refresh the list.',
  409: '',
  413: 'Choose a smaller file or shorten the text.',
  415: 'Choose a JPEG, PNG, WebP or GIF image.',
};

export async function toApiError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: { issues?: ApiIssue[] } }; requestId?: string } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON: a proxy or an HTML error page */
  }
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  const code = body.error?.code ?? 'http_error';
  const requestId = body.requestId ?? res.headers.get('x-request-id') ?? undefined;
  let message = body.error?.message ?? `The server answered ${res.status}.`;
  const issues = body.error?.details?.issues ?? [];
  if (code === 'validation_failed' && issues.length) message = `${issues.slice(0, 3).map(issueText).join('; ')}.`;
  else if (res.status === 429) message = `${message.replace(/\.$/, '')}. Wait ${retryAfter ?? 60} seconds, then try again.`;
  else if (res.status === 503) message = `The server is busy right now. Wait ${retryAfter ?? 5} seconds and try again.`;
  else if (res.status >= 500)
    message = `Something went wrong on the server. Try again; if it keeps happening, quote reference ${requestId ?? 'unknown'}.`;
  else if (STATUS_HINTS[res.status] && !message.includes(STATUS_HINTS[res.status]!)) message = `${message} ${STATUS_HINTS[res.status]}`;
  return new ApiError(message, res.status, code, requestId, body.error?.details?.issues ?? [], retryAfter, body.error?.details);
}

// A POST sent again after a network failure reuses its Idempotency-Key: if the first attempt did
// reach the server, the retry answers its result instead of writing twice. Once the server answers,
// the same form sent again is a new submission with a new key.
const unsettledKeys = new Map<string, string>();
function idempotencyKeyFor(path: string, body: string): string {
  const id = `${path}\n${body}`;
  let key = unsettledKeys.get(id);
  if (!key) {
    // getRandomValues works on plain-http LAN addresses too, where randomUUID does not exist.
    key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    if (unsettledKeys.size >= 100) unsettledKeys.delete(unsettledKeys.keys().next().value!);
    unsettledKeys.set(id, key);
  }
  return key;
}

export async function request<T>(method: string, path: string, options: Options = {}, isRetry = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (!SAFE.has(method)) headers['x-csrf-token'] = await csrfToken();
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
    if (method === 'POST') headers['idempotency-key'] = idempotencyKeyFor(path, body);
  }
  let res: Response;
  try {
    res = await fetch(`${path}${toQueryString(options.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    reportReachable(false);
    throw new ApiError('Could not reach MindfulCRM. Check your internet connection, then try again.', 0, 'network');
  }
  reportReachable(true);
  if (typeof body === 'string') unsettledKeys.delete(`${path}\n${body}`);
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }
  const error = await toApiError(res);
  // A CSRF cookie can rotate (another tab signed in); one retry with the fresh value is safe.
  if (error.code === 'csrf_failed' && !isRetry) return request<T>(method, path, options, true);
  // A wrong password is a 401 too: on these routes it ends no session.
  if (error.status === 401 && !PASSWORD_ROUTES.some((route) => path.startsWith(route))) onSessionEnded?.();
  return Promise.reject(error);
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, { form }),
};

/** The message to show a person for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return `${err.message}. Reload the page and try again.`;
  return 'Something unexpected happened. Reload the page and try again.';
}

/** Field-level messages from a validation error, keyed by the last path segment ("body.name" → "name"). */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.split('.').slice(1).join('.') || issue.path;
    out[key] ??= plainRule(issue.message);
  }
  return out;
}
