import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { errorResponse } from '../../../shared/api/errors.js';

/** One answer that broke its route's documented schema: what tests assert never happens. */
export type ContractViolation = { method: string; route: string; status: number; issues: { path: string; message: string }[] };
export type ResponseContract = { enabled: boolean; violations: ContractViolation[] };

declare module 'fastify' {
  interface FastifyInstance {
    responseContract: ResponseContract;
  }
}

const isJson = (reply: FastifyReply) => /^application\/(.+\+)?json\b/.test(String(reply.getHeader('content-type') ?? ''));

function schemaFor(request: FastifyRequest, status: number): z.ZodType | 'undocumented' {
  const responses = request.routeOptions.schema?.response as Record<string, z.ZodType> | undefined;
  // No route matched (the not-found handler): only the error body can be answered.
  if (request.routeOptions.url === undefined || !responses) return status >= 400 ? errorResponse : 'undocumented';
  return responses[status] ?? responses[`${Math.floor(status / 100)}xx`] ?? 'undocumented';
}

/**
 * With VALIDATE_RESPONSES (tests only), every JSON answer of every route is checked against the
 * route's response schema for its status — objects Fastify serialised, JSON text PostgreSQL built
 * and cached bytes alike. A mismatch becomes a 500 `response_contract` (so the test that caused it
 * fails on its status) and is recorded in app.responseContract.violations. Only paths and zod
 * messages are logged, never the answer itself.
 */
export function registerResponseContract(app: FastifyInstance, enabled: boolean) {
  const contract: ResponseContract = { enabled, violations: [] };
  app.decorate('responseContract', contract);
  if (!enabled) return;

  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode;
    const isEmpty = payload === null || payload === undefined || payload === '';
    // A 304 answers a cache validator with no body; other bodies that are not JSON are files or pages.
    if (status === 304) return payload;
    if (!(status === 204 && isEmpty) && (!isJson(reply) || !(typeof payload === 'string' || Buffer.isBuffer(payload)))) return payload;
    const schema = schemaFor(request, status);
    let issues: ContractViolation['issues'] = [];
    if (schema === 'undocumented') {
      issues = [{ path: '', message: `status ${status} is not in the route's response schemas` }];
    } else {
      let body: unknown = null;
      try {
        body = isEmpty ? null : JSON.parse(String(payload));
      } catch {
        issues = [{ path: '', message: 'the body is not valid JSON' }];
      }
      if (!issues.length) {
        const result = schema.safeParse(body);
        if (!result.success) issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      }
    }
    if (!issues.length) return payload;

    const violation = { method: request.method, route: request.routeOptions.url ?? request.url.split('?')[0]!, status, issues };
    contract.violations.push(violation);
    request.log.error({ responseContract: violation }, 'response did not match its schema');
    reply.code(500).type('application/json; charset=utf-8');
    return JSON.stringify({
      error: {
        code: 'response_contract',
        message: `The ${status} answer of ${violation.method} ${violation.route} broke its response schema.`,
        details: { issues: issues.slice(0, 20) },
      },
      requestId: request.id,
    });
  });
}
