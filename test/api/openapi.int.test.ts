import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/server/app.js';
import { ERROR_CODES, ERROR_STATUS } from '../../src/shared/api/errors.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';

/**
 * The OpenAPI document, checked against the app's own route table: every operation documents each
 * status it can answer (the error body with its closed codes included), its security, and an
 * example for its request body and each success answer — and each example passes its zod schema.
 */

type Operation = {
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: unknown; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: any; example?: unknown }> }>;
};

let t: TestApp;
let doc: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, any> } };
let routes: RouteInfo[];

beforeAll(async () => {
  t = await createTestApp();
  const res = await new TestClient(t.app).get('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
  routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/') && !r.schema.hide);
});
afterAll(() => t.close());

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const operationOf = (r: RouteInfo) => doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
/** The statuses any route of this kind can answer, whatever it does. */
function expectedErrorStatuses(r: RouteInfo): number[] {
  const statuses = [400, 500, 503];
  if (!r.isPublic) statuses.push(401);
  if (r.url.includes(':')) statuses.push(404);
  if (!SAFE.has(r.method)) statuses.push(403, 413, 415);
  return statuses;
}
const each = (check: (r: RouteInfo, op: Operation) => string[]) => {
  const problems = routes.flatMap((r) => {
    const op = operationOf(r);
    return op ? check(r, op).map((p) => `${r.method} ${r.url}: ${p}`) : [`${r.method} ${r.url}: not in the document`];
  });
  expect(problems).toEqual([]);
};

describe('GET /api/openapi.json', () => {
  it('lists every /api route of the route table', () => {
    expect(routes.length).toBeGreaterThan(50);
    each(() => []);
  });

  it('documents a success answer and every error status of each operation, with the error body and its closed codes', () => {
    each((r, op) => {
      const problems: string[] = [];
      const statuses = Object.keys(op.responses).map(Number);
      // A redirect (the OAuth connect and callback) is the success answer of a browser step.
      if (!statuses.some((s) => s >= 200 && s < 400)) problems.push('no success status');
      for (const status of expectedErrorStatuses(r)) {
        const schema = op.responses[status]?.content?.['application/json']?.schema;
        const codes: string[] | undefined = schema?.properties?.error?.properties?.code?.enum;
        if (!codes?.length) {
          problems.push(`no error body for ${status}`);
          continue;
        }
        const wrong = codes.filter((c) => !ERROR_CODES.includes(c as never) || ERROR_STATUS[c as keyof typeof ERROR_STATUS] !== status);
        if (wrong.length) problems.push(`${status} lists codes of another status: ${wrong.join(', ')}`);
        if (!schema.required?.includes('requestId')) problems.push(`${status} body lacks requestId`);
      }
      return problems;
    });
  });

  it('declares the session cookie and the CSRF header, and applies them to every operation that needs them', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie' });
    expect(schemes.csrfHeader).toMatchObject({ type: 'apiKey', in: 'header', name: 'x-csrf-token' });
    each((r, op) => {
      if (!Array.isArray(op.security)) return ['no security requirement (public operations say [])'];
      const needs = [...(r.isPublic ? [] : ['sessionCookie']), ...(SAFE.has(r.method) ? [] : ['csrfHeader'])];
      const names = op.security.flatMap((req) => Object.keys(req)).sort();
      return JSON.stringify(names) === JSON.stringify(needs.sort())
        ? []
        : [`security ${JSON.stringify(names)}, expected ${JSON.stringify(needs)}`];
    });
  });

  it('gives an example of each request body and each success answer, and each example passes its schema', () => {
    each((r, op) => {
      const problems: string[] = [];
      const json = op.requestBody?.content['application/json'];
      if (r.schema.body) {
        if (!json || json.example === undefined) problems.push('request body without an example');
        else if (!r.schema.body.safeParse(json.example).success)
          problems.push(`request example fails its schema: ${JSON.stringify(json.example)}`);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const content = response.content?.['application/json'];
        if (!status.startsWith('2') || !content) continue;
        if (content.example === undefined) problems.push(`${status} answer without an example`);
        else if (!r.schema.response?.[status]?.safeParse(content.example).success) {
          problems.push(`${status} example fails its schema: ${JSON.stringify(content.example)}`);
        }
      }
      return problems;
    });
  });
});
