import fc from 'fast-check';
import type { RouteInfo } from '../../src/server/app.js';
import { errorResponse } from '../../src/shared/api/errors.js';
import type { TestApp } from '../support/app.js';
import { TEST_PASSWORD, TestClient } from '../support/client.js';
import { FIXTURES, ROUTE_CASES, type ForeignIds, type ResourceKind, type RouteCase } from '../support/route-cases.js';
import { invalid, valid, type IdSource, type JsonSchema, type Place } from './schema-arbitraries.js';

/**
 * The API fuzzer's shared parts: the operations of the OpenAPI document, the requests generated
 * for them, and the checks every answer must pass.
 *
 * FUZZ_RUNS cases per operation (100 by default, more for a nightly-style run); FUZZ_SEED replays a
 * run (the seed is printed at the start and in every failure); FUZZ_SHRINK=1 shrinks a failure to
 * its smallest case (slower, and the database has moved on by then, so off by default).
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
export const fuzzParameters = (numRuns = RUNS): fc.Parameters<unknown> => ({
  seed: SEED,
  numRuns,
  endOnFailure: !process.env.FUZZ_SHRINK,
});
export const seedNote = () => `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} reproduces this run`;

/**
 * Operations left out of the fuzzer, and why. Everything else in the document is fuzzed.
 */
export const EXCLUDED: Record<string, string> = {
  'GET /api/google/connect': 'starts an OAuth flow at Google (a redirect outside the app); google.int.test.ts covers it',
  'GET /api/google/callback': 'exchanges a code at Google; google.int.test.ts covers it on the fake Google',
  'DELETE /api/google': 'revokes a grant at Google',
  'GET /api/google/calendars': 'lists calendars at Google',
  'PUT /api/google/calendars': 'chooses calendars at Google and queues a sync',
  'POST /api/sync/:service': 'runs a sync against Google',
  'GET /api/sync/jobs/:id/events': 'a server-sent event stream that stays open',
  'GET /api/imports/:id/events': 'a server-sent event stream that stays open',
  'POST /api/imports/preview': 'a multipart file upload (imports.int.test.ts and bad-input tests cover files)',
  'POST /api/imports': 'a multipart file upload (imports.int.test.ts and bad-input tests cover files)',
  'POST /api/contacts/:id/photos': 'a multipart image upload (image-bombs.int.test.ts covers hostile images)',
  'POST /api/contacts/:id/consents/evidence': 'a multipart file upload (consent-evidence.int.test.ts)',
  'POST /api/calendar/subscriptions': 'fetches a user-typed URL from the internet',
  'POST /api/calendar/subscriptions/:id/refresh': 'fetches a user-typed URL from the internet',
  'POST /api/ai/sentiment/run': 'calls the AI model',
  'POST /api/ai/classify/run': 'calls the AI model',
  'POST /api/auth/logout': "ends the fuzzing client's session (sessions.int.test.ts)",
  'POST /api/auth/logout-all': "ends the fuzzing client's sessions (sessions.int.test.ts)",
  'DELETE /api/account': "deletes the fuzzing client's account (erasure.int.test.ts)",
};

type OpenApiParameter = { in: 'path' | 'query'; name: string; required?: boolean; schema: JsonSchema };
type OpenApiOperation = {
  parameters?: OpenApiParameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, unknown>;
};
export type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

export type Operation = {
  /** "METHOD /api/path/:param", as the route table and route-cases.ts name it. */
  key: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  route: RouteInfo;
  doc: OpenApiOperation;
  routeCase: RouteCase;
};

export async function readDocument(t: TestApp): Promise<OpenApiDocument> {
  const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  if (res.statusCode !== 200) throw new Error(`GET /api/openapi.json answered ${res.statusCode}`);
  return JSON.parse(res.body) as OpenApiDocument;
}

/** Every operation of the document, with its route (for the zod response schemas) and its route case. */
export function operationsOf(doc: OpenApiDocument, t: TestApp): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase() as Operation['method'];
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      const key = `${method} ${url}`;
      const route = t.app.routeTable.find((r) => r.method === method && r.url === url);
      const routeCase = ROUTE_CASES[key];
      if (!route || !routeCase) throw new Error(`${key} is in the document but not in the route table or route-cases.ts`);
      out.push({ key, method, url, route, doc: op, routeCase });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The fuzzing user and the records its requests name.

export type Ids = Partial<Record<ResourceKind, string[]>>;

/** Body and query fields that name records, by name; others get a random UUID. */
const FIELD_KINDS: [RegExp, ResourceKind][] = [
  [/^(contactIds?|primaryId|ids)$/, 'contact'],
  [/^(tagIds?|intoTagId)$/, 'tag'],
  [/^projectId$/, 'project'],
  [/^(parentTaskId|beforeId|afterId|taskId)$/, 'task'],
  [/^evidenceId$/, 'evidence'],
  [/^photoId$/, 'photo'],
];
export const idSource =
  (ids: Ids): IdSource =>
  (name) => {
    const kind = FIELD_KINDS.find(([re]) => re.test(name))?.[1];
    return kind ? (ids[kind] ?? []) : [];
  };

const CORE_KINDS: ResourceKind[] = ['tag', 'contact', 'project', 'task', 'interaction', 'goal'];

/**
 * The records one fuzzing user's requests name: the core kinds plus those an operation's path
 * names, created when first needed, each after the kinds it needs. `forget()` after an operation
 * that may have deleted some (DELETE, merges, bulk actions) has them made again.
 */
export class Fixtures {
  private made: Partial<ForeignIds> = {};
  constructor(readonly owner: TestClient & { email: string }) {}

  async for(op: Operation): Promise<Ids> {
    for (const kind of [...CORE_KINDS, ...kindsNamedBy(op)]) await this.create(kind);
    return Object.fromEntries(Object.entries(this.made).map(([k, id]) => [k, [id]]));
  }

  forget() {
    this.made = {};
  }

  private async create(kind: ResourceKind): Promise<void> {
    if (this.made[kind]) return;
    for (const need of FIXTURES[kind].needs ?? []) await this.create(need);
    this.made[kind] = kind === 'session' ? await otherSession(this.owner) : await FIXTURES[kind].create(this.owner, this.made);
  }
}

/** True for an operation that may delete or move the records it names. */
export const mayDestroy = (op: Operation) => op.method === 'DELETE' || /merge|bulk|undo|approve|discard/.test(op.url);

/** Another session of the fuzzing user, so deleting it never signs the fuzzing client out. */
async function otherSession(owner: TestClient & { email: string }): Promise<string> {
  const other = new TestClient(owner.app);
  const res = await other.post('/api/auth/login', { email: owner.email, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`second sign-in failed: ${res.status}`);
  const sessions = await owner.get('/api/auth/sessions');
  return sessions.body.items.find((s: { isCurrent: boolean }) => !s.isCurrent).id;
}

const kindsNamedBy = (op: Operation): ResourceKind[] => (op.routeCase.isPublic ? [] : Object.values(op.routeCase.params ?? {}));

// ---------------------------------------------------------------------------------------------
// Requests.

export type FuzzRequest = {
  method: Operation['method'];
  url: string;
  /** JSON to send, or raw text (with its content type) for bodies that are not JSON. */
  body?: unknown;
  raw?: { text: string; contentType: string };
  anonymous: boolean;
  /** "valid", or where the request was broken. */
  mode: string;
};

const paramsOf = (op: Operation, where: 'path' | 'query') => (op.doc.parameters ?? []).filter((p) => p.in === where);
const bodySchemaOf = (op: Operation) => op.doc.requestBody?.content['application/json']?.schema;

const ODD_PATH_SEGMENTS = ['%zz', '%00', 'x'.repeat(260), '..', '%2e%2e', 'null', '-1', '%F0%9F%98%80', 'a%2Fb'];

/** Path parameter values: the records the route case names (in any letter case), or others. */
function pathValue(op: Operation, p: OpenApiParameter, ids: Ids, broken: boolean): fc.Arbitrary<string> {
  const c = op.routeCase.isPublic ? {} : op.routeCase;
  const literal = c.literalParams?.[p.name];
  const kind = c.params?.[p.name];
  const known = literal ? [literal] : kind ? (ids[kind] ?? []) : [];
  if (broken) {
    const text = invalid(p.schema, { name: p.name, asText: true }, () => known).map((v) => encodeURIComponent(String(v)));
    return fc.oneof(
      fc.constantFrom(...ODD_PATH_SEGMENTS),
      text.filter((v) => v.length > 0),
    );
  }
  const generated = valid(p.schema, { name: p.name, asText: true }, () => known).map((v) => encodeURIComponent(String(v)));
  if (!known.length) return generated;
  return fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 6 },
    { arbitrary: fc.constantFrom(...known).map((id) => id.toUpperCase()), weight: 1 },
    { arbitrary: generated, weight: 1 },
  );
}

const queryText = (q: Record<string, unknown>) =>
  new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();

function queryArb(op: Operation, ids: Ids, broken: boolean): fc.Arbitrary<Record<string, unknown>> {
  const params = paramsOf(op, 'query');
  const source = idSource(ids);
  const model = Object.fromEntries(params.map((p) => [p.name, valid(p.schema, { name: p.name, asText: true }, source)]));
  const requiredKeys = params.filter((p) => p.required).map((p) => p.name);
  const good = fc.record(model, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
  if (!broken) return good;
  const mutations: fc.Arbitrary<Record<string, unknown>>[] = [good.map((q) => ({ ...q, unexpected: '1' }))];
  if (params.length) {
    mutations.push(
      fc
        .tuple(good, fc.constantFrom(...params))
        .chain(([q, p]) => invalid(p.schema, { name: p.name, asText: true }, source).map((bad) => ({ ...q, [p.name]: bad }))),
    );
  }
  return fc.oneof(...mutations);
}

function bodyArb(op: Operation, ids: Ids, broken: boolean): fc.Arbitrary<unknown> {
  const schema = bodySchemaOf(op);
  const source = idSource(ids);
  const c = op.routeCase;
  // A body the route case knows to be valid (it names the right kinds of records) beside generated ones.
  const known =
    !c.isPublic && c.body
      ? [fc.constant(c.body(firstIds(ids) as ForeignIds, firstIds(ids) as ForeignIds))]
      : ([] as fc.Arbitrary<unknown>[]);
  if (!schema) return broken ? fc.oneof(fc.constant({ unexpected: true }), fc.constant([])) : fc.constant(undefined);
  const place: Place = { name: 'body', asText: false };
  return broken ? invalid(schema, place, source) : fc.oneof(valid(schema, place, source), ...known);
}
const firstIds = (ids: Ids) => Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, v?.[0]]));

const RAW_BODIES = [
  { text: '{"unterminated": ', contentType: 'application/json' },
  { text: '', contentType: 'application/json' },
  { text: 'null', contentType: 'application/json' },
  { text: '[1,2,3]', contentType: 'application/json' },
  { text: '"text"', contentType: 'application/json' },
  { text: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
  { text: '{"__proto__": {"polluted": true}}', contentType: 'application/json' },
  { text: 'name=x', contentType: 'application/x-www-form-urlencoded' },
  { text: 'plain words', contentType: 'text/plain' },
  { text: '{}', contentType: 'application/json; charset=latin1' },
];

/** One request to the operation: valid (weight 3), broken at one place (weight 2), or a raw body (weight 1). */
export function requestArb(op: Operation, ids: Ids): fc.Arbitrary<FuzzRequest> {
  const pathParams = paramsOf(op, 'path');
  const build = (mode: string, brokenPath: string | undefined, brokenQuery: boolean, brokenBody: boolean) =>
    fc
      .tuple(
        fc.tuple(...pathParams.map((p) => pathValue(op, p, ids, p.name === brokenPath))),
        queryArb(op, ids, brokenQuery),
        bodyArb(op, ids, brokenBody),
        fc.nat(5),
      )
      .map(([values, query, body, dice]): FuzzRequest => {
        let url = op.url;
        pathParams.forEach((p, i) => {
          url = url.replace(`:${p.name}`, values[i] as string);
        });
        const qs = queryText(query);
        return {
          method: op.method,
          url: qs ? `${url}?${qs}` : url,
          body,
          // One request in six is sent without a session (every non-public route must refuse it);
          // public ones (sign-up, sign-in) always are: a sign-in replaces the session it was sent with.
          anonymous: dice === 0 || op.route.isPublic,
          mode,
        };
      });
  const broken: { arbitrary: fc.Arbitrary<FuzzRequest>; weight: number }[] = [];
  for (const p of pathParams) broken.push({ arbitrary: build(`broken path parameter ${p.name}`, p.name, false, false), weight: 1 });
  if (paramsOf(op, 'query').length) broken.push({ arbitrary: build('broken query', undefined, true, false), weight: 1 });
  if (op.method !== 'GET' && op.method !== 'DELETE') {
    broken.push({ arbitrary: build('broken body', undefined, false, true), weight: 2 });
    broken.push({
      arbitrary: fc
        .tuple(build('raw body', undefined, false, false), fc.constantFrom(...RAW_BODIES))
        .map(([req, raw]) => ({ ...req, body: undefined, raw })),
      weight: 1,
    });
  }
  const validReq = build('valid', undefined, false, false);
  return broken.length ? fc.oneof({ arbitrary: validReq, weight: 3 }, ...broken) : validReq;
}

/** An answer must come: a request still unanswered after this is a failure of its own (a hang). */
const ANSWER_BOUND_MS = 30_000;
async function withinBound<T>(work: Promise<T>, req: FuzzRequest): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`no answer within ${ANSWER_BOUND_MS} ms: ${req.method} ${req.url.slice(0, 300)} (${req.mode}); ${seedNote()}`)),
      ANSWER_BOUND_MS,
    );
  });
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}

export type Answer = { status: number; text: string; contentType: string; body: unknown };

/** Sends the request as the owner (its session and CSRF token), or with the CSRF token only. */
export async function send(owner: TestClient, anonymous: TestClient, req: FuzzRequest): Promise<Answer> {
  const client = req.anonymous ? anonymous : owner;
  if (!client.csrf) await client.get('/api/auth/csrf');
  const payload = req.raw ? req.raw.text : req.body === undefined ? undefined : JSON.stringify(req.body);
  const contentType = req.raw ? req.raw.contentType : req.body === undefined ? undefined : 'application/json';
  const res = await withinBound(
    client.app.inject({
      method: req.method,
      url: req.url,
      remoteAddress: client.remoteAddress,
      headers: {
        cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(req.method === 'GET' ? {} : { 'x-csrf-token': client.csrf }),
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      payload,
    }),
    req,
  );
  let body: unknown;
  const type = String(res.headers['content-type'] ?? '');
  if (/json/.test(type)) {
    try {
      body = JSON.parse(res.body);
    } catch {
      body = undefined;
    }
  }
  return { status: res.statusCode, text: res.body, contentType: type, body };
}

/**
 * What every answer must be: not a 5xx; a status the operation documents; a JSON body that passes
 * the route's zod response schema for that status; and a refusal when a non-public route was called
 * without a session. Returns the problems found (none when the answer is right).
 */
export function problemsWith(op: Operation, req: FuzzRequest, res: Answer): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  if (!(String(res.status) in op.doc.responses)) problems.push(`status ${res.status} is not documented`);
  if (req.anonymous && !op.route.isPublic && res.status < 400) problems.push(`answered ${res.status} without a session`);
  if (/json/.test(res.contentType) && res.status !== 204) {
    const schema = op.route.schema.response?.[String(res.status)] ?? (res.status >= 400 ? errorResponse : undefined);
    const parsed = schema?.safeParse(res.body);
    if (parsed && !parsed.success)
      problems.push(
        `body breaks its schema: ${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
  }
  return problems;
}

/** A failure message that says how to replay it. */
export function describeFailure(op: Operation, req: FuzzRequest, res: Answer, problems: string[]): string {
  const sent = req.raw ? `raw ${req.raw.contentType}: ${req.raw.text.slice(0, 200)}` : JSON.stringify(req.body)?.slice(0, 500);
  return [
    `${op.key} (${req.mode}${req.anonymous ? ', no session' : ''}): ${problems.join('; ')}`,
    `request: ${req.method} ${req.url.slice(0, 500)} body: ${sent}`,
    `answer: ${res.status} ${res.text.slice(0, 500)}`,
    seedNote(),
  ].join('\n');
}
