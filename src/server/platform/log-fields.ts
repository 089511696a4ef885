/**
 * What may reach the logs of a request or an error. Client data (names, emails, notes, search
 * text) never does: a URL keeps its path (not the calendar feed's token) and only the names of its query parameters, and an error
 * keeps its type, its database code, constraint and statement name, and where it was thrown; never
 * its message, the SQL parameters, or a driver's detail, which quote the values.
 */

type RequestLike = { method?: string; url?: string; id?: unknown; ip?: string; socket?: { remoteAddress?: string } };

export function redactUrl(url: string): string {
  // The calendar feed's path is its credential (GET /ics/<token>.ics).
  if (url.startsWith('/ics/')) return '/ics/<token>';
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()].map((name) => (/^[\w.[\]-]{1,40}$/.test(name) ? name : '?'));
  return `${url.slice(0, at)}?${[...new Set(names)].join('&')}`;
}

export function describeRequest(request: RequestLike) {
  return { method: request.method, url: redactUrl(request.url ?? ''), remoteAddress: request.ip ?? request.socket?.remoteAddress };
}

type ErrorLike = {
  name?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
  query?: unknown;
  statusCode?: unknown;
  stack?: unknown;
  cause?: unknown;
};

const SQLSTATE = /^[0-9A-Z]{5}$/;
const str = (v: unknown) => (typeof v === 'string' && v.length <= 100 ? v : undefined);

/** "insert into tasks", "select from contacts": what the statement was, without any of its text. */
export function statementName(query: string): string {
  const q = query.replace(/\s+/g, ' ').trim().toLowerCase();
  const verb = /^(with|select|insert|update|delete|create|alter|drop|begin|commit|rollback|set|copy|call)\b/.exec(q)?.[1] ?? 'statement';
  const table = /\b(?:into|update|from)\s+"?([a-z_][a-z0-9_]*)"?/.exec(q)?.[1];
  return table ? `${verb} ${table}` : verb;
}

export function describeError(err: unknown) {
  if (err === null || typeof err !== 'object') return { type: typeof err };
  const top = err as ErrorLike;
  const out: Record<string, unknown> = { type: str(top.name) ?? (err as object).constructor?.name ?? 'Error' };
  if (typeof top.code === 'string' && /^[A-Z_0-9]{1,60}$/.test(top.code)) out.code = top.code;
  if (typeof top.statusCode === 'number') out.statusCode = top.statusCode;
  if (typeof top.stack === 'string') {
    out.stack = top.stack
      .split('\n')
      .filter((line) => line.startsWith('    at '))
      .slice(0, 12)
      .map((line) => line.trim());
  }
  // drizzle wraps the driver's error as its cause; the database's fields sit on the innermost one.
  const seen = new Set<unknown>();
  for (let e: ErrorLike | undefined = top; e && typeof e === 'object' && !seen.has(e); e = e.cause as ErrorLike | undefined) {
    seen.add(e);
    if (typeof e.code === 'string' && SQLSTATE.test(e.code)) {
      out.code = e.code;
      for (const field of ['constraint', 'table', 'column', 'routine'] as const) if (str(e[field])) out[field] = str(e[field]);
    }
    if (typeof e.query === 'string') out.statement = statementName(e.query);
  }
  return out;
}
