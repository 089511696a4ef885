import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/server/app.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, TestClient, type Response } from '../support/client.js';
import {
  FIXTURES,
  ROUTE_CASES,
  createFixtures,
  kindsInOrder,
  type ForeignIds,
  type ResourceKind,
  type RouteCase,
} from '../support/route-cases.js';

/**
 * Tenant isolation, generated from the app's own route table: a route added later without an
 * entry in ROUTE_CASES fails here, and every route with one is probed with user B's ids.
 */

type PrivateCase = Exclude<RouteCase, { isPublic: true }>;
type Method = Parameters<TestClient['request']>[0];
type Outcome = { route: string; random: Response; randomIds: ForeignIds; foreign: Response };

const routeKey = (r: RouteInfo) => `${r.method} ${r.url}`;
// A route without a case still gets the 401 check; the first test reports the missing case.
const caseOf = (r: RouteInfo) => (ROUTE_CASES[routeKey(r)] ?? {}) as PrivateCase;
const hasCase = (r: RouteInfo) => routeKey(r) in ROUTE_CASES;

const randomIds = () =>
  Object.fromEntries(
    (Object.keys(FIXTURES) as ResourceKind[]).map((kind) => [kind, FIXTURES[kind].randomId?.() ?? crypto.randomUUID()]),
  ) as ForeignIds;

function urlFor(route: RouteInfo, c: PrivateCase, ids: ForeignIds): string {
  const path = route.url.replace(/:(\w+)/g, (_, name: string) => {
    const literal = c.literalParams?.[name];
    if (literal !== undefined) return encodeURIComponent(literal);
    const kind = c.params?.[name];
    if (!kind && hasCase(route)) throw new Error(`${routeKey(route)}: its ROUTE_CASES entry names no resource kind for :${name}`);
    return encodeURIComponent(kind ? ids[kind] : crypto.randomUUID());
  });
  return c.query ? `${path}?${c.query}` : path;
}

function send(client: TestClient, route: RouteInfo, ids: ForeignIds, own: ForeignIds): Promise<Response> {
  const c = caseOf(route);
  const hasBody = !['GET', 'DELETE'].includes(route.method);
  const body = c.body ? c.body(ids, own) : hasBody ? {} : undefined;
  return client.request(route.method as Method, urlFor(route, c, ids), body);
}

/** The error part of an answer, with every id it names replaced by its kind. */
function errorOf(res: Response, ids: ForeignIds) {
  if (res.status < 400) return { status: res.status };
  let text = res.text;
  for (const [kind, id] of Object.entries(ids)) text = text.replaceAll(id, `<${kind}>`);
  return { status: res.status, error: (JSON.parse(text) as { error: unknown }).error };
}

function standardErrorProblem(res: Response): string | undefined {
  const body = res.body as { error?: { code?: unknown; message?: unknown }; requestId?: unknown } | undefined;
  const isStandard =
    !!body &&
    Object.keys(body).sort().join() === 'error,requestId' &&
    typeof body.error?.code === 'string' &&
    typeof body.error.message === 'string' &&
    body.error.message.length > 0 &&
    body.requestId === res.headers['x-request-id'];
  return isStandard ? undefined : `not the standard error body: ${res.text.slice(0, 200)}`;
}

let t: TestApp;
let routes: RouteInfo[];
let a: Awaited<ReturnType<typeof signUp>>;
let b: Awaited<ReturnType<typeof signUp>>;
let aIds: ForeignIds;
let bIds: ForeignIds;

async function snapshotOf(owner: TestClient, ids: ForeignIds) {
  const snapshot: Record<string, { status: number; text: string }> = {};
  for (const kind of kindsInOrder()) {
    const res = await owner.get(FIXTURES[kind].read(ids[kind], ids));
    snapshot[kind] = { status: res.status, text: res.text };
  }
  return snapshot;
}

beforeAll(async () => {
  // A Google client is configured (nobody connects, so Google is never called): the connect routes answer as in production.
  t = await createTestApp({ GOOGLE_CLIENT_ID: 'isolation-client', GOOGLE_CLIENT_SECRET: 'isolation-secret' });
  routes = t.app.routeTable.filter((r) => r.url.startsWith('/api/'));
  a = await signUp(t.app, 'iso-a');
  b = await signUp(t.app, 'iso-b');
  bIds = await createFixtures(b);
  aIds = await createFixtures(a);
});
afterAll(() => t.close());

describe('route table', () => {
  it('has a ROUTE_CASES entry for every /api route, public exactly when the route is', () => {
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !(routeKey(r) in ROUTE_CASES)).map(routeKey);
    expect(missing, 'add these routes to test/support/route-cases.ts').toEqual([]);
    const mismatched = routes
      .filter((r) => (ROUTE_CASES[routeKey(r)]?.isPublic === true) !== r.isPublic)
      .map((r) => `${routeKey(r)}: route isPublic=${r.isPublic}`);
    expect(mismatched).toEqual([]);
  });
});

describe('without a session', () => {
  it('every non-public route answers 401 with the standard error body', async () => {
    const anonymous = new TestClient(t.app);
    await anonymous.get('/api/auth/csrf');
    expect(anonymous.csrf).not.toBe('');
    const problems: string[] = [];
    for (const route of routes.filter((r) => !r.isPublic)) {
      const res = await send(anonymous, route, randomIds(), randomIds());
      if (res.status !== 401 || res.body?.error?.code !== 'unauthenticated') {
        problems.push(`${routeKey(route)}: ${res.status} ${res.text.slice(0, 200)}`);
      }
      const bodyProblem = standardErrorProblem(res);
      if (bodyProblem) problems.push(`${routeKey(route)}: ${bodyProblem}`);
    }
    expect(problems).toEqual([]);
  });
});

describe("user A with user B's ids", () => {
  let before: Awaited<ReturnType<typeof snapshotOf>>;
  let after: Awaited<ReturnType<typeof snapshotOf>>;
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    before = await snapshotOf(b, bIds);
    const privateRoutes = routes.filter((r) => !r.isPublic && hasCase(r));
    const ordered = [
      ...privateRoutes.filter((r) => !caseOf(r).isDestructiveToCaller),
      ...privateRoutes.filter((r) => caseOf(r).isDestructiveToCaller),
    ];
    for (const route of ordered) {
      const isDestructive = caseOf(route).isDestructiveToCaller;
      const callerFor = async () => (isDestructive ? signUp(t.app, 'iso-throwaway') : a);
      const randomCaller = await callerFor();
      const unknown = randomIds();
      const random = await send(randomCaller, route, unknown, aIds);
      const foreignCaller = await callerFor();
      const foreign = await send(foreignCaller, route, bIds, aIds);
      outcomes.push({ route: routeKey(route), random, randomIds: unknown, foreign });
    }
    after = await snapshotOf(b, bIds);
  });

  it("B's resources are readable by B (so the comparison below means something)", () => {
    expect(Object.entries(before).filter(([, s]) => s.status !== 200)).toEqual([]);
  });

  it('answers 404 for B ids in a path, or the status the case names, and never 5xx', () => {
    const problems: string[] = [];
    for (const { route, random, foreign } of outcomes) {
      const c = ROUTE_CASES[route] as PrivateCase;
      // A route that names no resource in its path answers as it would for anyone.
      const expected = c.foreignStatus ?? (c.params ? 404 : foreign.status);
      if (foreign.status !== expected)
        problems.push(`${route}: B's ids answered ${foreign.status}, expected ${expected}: ${foreign.text.slice(0, 200)}`);
      if (random.status >= 500) problems.push(`${route}: random ids answered ${random.status}`);
      if (foreign.status >= 400) {
        const bodyProblem = standardErrorProblem(foreign);
        if (bodyProblem) problems.push(`${route}: ${bodyProblem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives the same error code and message for B ids as for random ids', () => {
    const mismatches = outcomes
      .map((o) => ({ route: o.route, random: errorOf(o.random, o.randomIds), foreign: errorOf(o.foreign, bIds) }))
      .filter((o) => o.random.status !== o.foreign.status || (o.foreign.status >= 400 && !sameError(o.random, o.foreign)));
    expect(mismatches).toEqual([]);
  });

  it("changes nothing of B's", () => {
    expect(after).toEqual(before);
  });
});

describe('reads by A', () => {
  it("never contain any of B's ids, on every GET route", async () => {
    const problems: string[] = [];
    const bIdList = Object.values(bIds);
    for (const route of routes.filter((r) => !r.isPublic && r.method === 'GET' && hasCase(r))) {
      const res = await send(a, route, aIds, aIds);
      if (res.status >= 400 && res.status !== caseOf(route).ownStatus)
        problems.push(`${routeKey(route)}: answered ${res.status} with A's own ids (give its case a query?)`);
      const leaked = bIdList.filter((id) => res.text.includes(id));
      if (leaked.length) problems.push(`${routeKey(route)}: shows B's ids ${leaked.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('see their own fixtures in their own lists (the check above is not vacuous)', async () => {
    const contacts = await a.get('/api/contacts');
    expect(contacts.text).toContain(aIds.contact);
    const tags = await a.get('/api/tags');
    expect(tags.text).toContain(aIds.tag);
  });
});

function sameError(x: ReturnType<typeof errorOf>, y: ReturnType<typeof errorOf>) {
  return JSON.stringify(x.error) === JSON.stringify(y.error);
}
