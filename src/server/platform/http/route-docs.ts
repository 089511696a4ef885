import type { FastifyInstance, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { errorResponseFor } from '../../../shared/api/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Error statuses this route answers beyond the defaults that routeErrorStatuses derives. */
    errorStatuses?: number[];
  }
}

/** The OpenAPI security schemes: the session cookie, and the CSRF header every state-changing request sends. */
export const securitySchemes = (sessionCookie: string, csrfHeader: string) => ({
  sessionCookie: { type: 'apiKey' as const, in: 'cookie', name: sessionCookie, description: 'Set by sign-up and sign-in.' },
  csrfHeader: {
    type: 'apiKey' as const,
    in: 'header',
    name: csrfHeader,
    description: 'The value of the CSRF cookie (also returned by GET /api/auth/csrf); required on every request that changes state.',
  },
});

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The error statuses a route can answer, from what every route shares: bad input (400), a failure
 * (500), load shedding (503); a session to check (401); a record named in the path (404); and for
 * a write, the CSRF check (403), a body to parse (413, 415), records it names (404), conflicts and
 * refusals (409, 422), credentials (401) and rate limits (429). A route adds what is particular to
 * it with config.errorStatuses.
 */
export function routeErrorStatuses(method: string, url: string, isPublic: boolean, extra: number[] = []): number[] {
  const statuses = new Set([400, 500, 503, ...extra]);
  const isWrite = !SAFE.has(method);
  if (!isPublic) statuses.add(401);
  if (url.includes(':')) statuses.add(404);
  if (isWrite) for (const s of [401, 403, 404, 409, 413, 415, 422, 429]) statuses.add(s);
  return [...statuses].sort();
}

/**
 * Gives every route, as it is added, the error body for each status it can answer and its security
 * requirement, so the OpenAPI document is complete and response validation knows every status.
 */
export function registerRouteDocs(app: FastifyInstance) {
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const method = methods[0] ?? 'GET';
    const isPublic = route.config?.isPublic === true;
    const schema = (route.schema ??= {}) as Record<string, unknown> & { response?: Record<string, z.ZodType> };
    const response = (schema.response ??= {});
    for (const status of routeErrorStatuses(method, route.url, isPublic, route.config?.errorStatuses)) {
      response[status] ??= errorResponseFor(status);
    }
    const isWrite = !SAFE.has(method);
    schema.security ??= isPublic
      ? isWrite
        ? [{ csrfHeader: [] }]
        : []
      : [isWrite ? { sessionCookie: [], csrfHeader: [] } : { sessionCookie: [] }];
  });
}
