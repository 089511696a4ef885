import type { LoadRequest } from './load.js';
import { pageReadScenarios } from './page-reads.js';

/** What a scenario can use: a signed-in session and ids found in the seeded data. */
export type BenchContext = {
  headers: Record<string, string>;
  /** One session per seeded user (multi-user size), for requests spread across tenants. */
  userHeaders: Record<string, string>[];
  contactId: string;
  deepCursor: string;
  tagId: string;
  searchTerm: string;
  photoUpload?: { body: Buffer; contentType: string };
  /** A 2,000-event calendar file as a multipart body. */
  icsUpload?: { body: Buffer; contentType: string };
  routes: Set<string>;
};

export type Budget = { p99Ms?: number; minCeilingRatio?: number; statements?: number };

export type Scenario = {
  name: string;
  /** Routes (as in the OpenAPI document, "GET /api/…") that must exist; otherwise the scenario is skipped. */
  needs: string[];
  requests(ctx: BenchContext): LoadRequest[];
  /** Compared with the ceiling server answering the same bytes. */
  hasCeiling?: boolean;
  budget?: Budget;
  /** Runs a write before every measured read, so each read misses the cache (sequential, c=1 only). */
  coldWith?: (ctx: BenchContext) => LoadRequest;
  /** The SQL count shown is the read's right after this write: what computing a cached answer costs. */
  statementsAfter?: (ctx: BenchContext) => LoadRequest;
  /** Runs once before the load, against the server's URL. */
  prepare?: (url: string, ctx: BenchContext) => Promise<void>;
  concurrency?: number[];
};

const get = (path: string, headers: Record<string, string>): LoadRequest => ({ method: 'GET', path, headers });
/** A small write that drops the user's cached reads. */
const touchContact = (ctx: BenchContext): LoadRequest => ({
  method: 'PATCH',
  path: `/api/contacts/${ctx.contactId}`,
  headers: { ...ctx.headers, 'content-type': 'application/json' },
  body: JSON.stringify({ referralCount: Math.floor(Math.random() * 100) }),
});
const post = (path: string, body: unknown, headers: Record<string, string>): LoadRequest => ({
  method: 'POST',
  path,
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const SCENARIOS: Scenario[] = [
  {
    name: 'contacts first page',
    needs: ['GET /api/contacts'],
    hasCeiling: true,
    budget: { p99Ms: 20, minCeilingRatio: 1 / 3, statements: 1 },
    requests: (ctx) => [get('/api/contacts?limit=50', ctx.headers)],
  },
  {
    // Every read right after a write of the same user: the page is built by PostgreSQL each time.
    name: 'contacts first page cold',
    needs: ['GET /api/contacts', 'PATCH /api/contacts/{id}'],
    budget: { statements: 1 },
    concurrency: [1],
    requests: (ctx) => [get('/api/contacts?limit=50', ctx.headers)],
    coldWith: (ctx) => touchContact(ctx),
  },
  {
    name: 'contacts first page, many tenants',
    needs: ['GET /api/contacts'],
    requests: (ctx) => ctx.userHeaders.map((h) => get('/api/contacts?limit=50', h)),
  },
  {
    name: 'contacts deep page',
    needs: ['GET /api/contacts'],
    budget: { statements: 1 },
    requests: (ctx) => [get(`/api/contacts?limit=50&cursor=${encodeURIComponent(ctx.deepCursor)}`, ctx.headers)],
  },
  {
    name: 'contacts search',
    needs: ['GET /api/contacts'],
    budget: { statements: 1 },
    requests: (ctx) => [get(`/api/contacts?limit=50&q=${encodeURIComponent(ctx.searchTerm)}`, ctx.headers)],
  },
  {
    name: 'contacts filter',
    needs: ['GET /api/contacts'],
    budget: { statements: 1 },
    requests: (ctx) => [get(`/api/contacts?limit=50&tags=${ctx.tagId}&stage=core_client,new_client`, ctx.headers)],
  },
  {
    name: 'contact detail',
    needs: ['GET /api/contacts/{id}'],
    budget: { statements: 1 },
    requests: (ctx) => [get(`/api/contacts/${ctx.contactId}`, ctx.headers)],
  },
  {
    name: 'contact timeline page',
    needs: ['GET /api/contacts/{id}/interactions'],
    budget: { statements: 1 },
    requests: (ctx) => [get(`/api/contacts/${ctx.contactId}/interactions?limit=50`, ctx.headers)],
  },
  {
    name: 'task list',
    needs: ['GET /api/tasks'],
    budget: { statements: 1 },
    requests: (ctx) => [get('/api/tasks?limit=50', ctx.headers)],
  },
  {
    name: 'dashboard stats warm',
    needs: ['GET /api/dashboard/stats'],
    hasCeiling: true,
    budget: { p99Ms: 5 },
    requests: (ctx) => [get('/api/dashboard/stats', ctx.headers)],
  },
  {
    name: 'dashboard stats cold',
    needs: ['GET /api/dashboard/stats', 'PATCH /api/contacts/{id}'],
    budget: { p99Ms: 30, statements: 1 },
    concurrency: [1],
    requests: (ctx) => [get('/api/dashboard/stats', ctx.headers)],
    coldWith: (ctx) => touchContact(ctx),
  },
  {
    // Issue 11: likely duplicates of the seeded practice (its re-entered people share emails and phones).
    name: 'duplicates detection',
    needs: ['GET /api/duplicates'],
    budget: { statements: 4 },
    concurrency: [1],
    requests: (ctx) => [get('/api/duplicates?limit=50', ctx.headers)],
  },
  {
    name: 'photo upload',
    needs: ['POST /api/contacts/{id}/photos'],
    // One practitioner uploading 50 photos at once, thousands a minute, is what the per-user upload
    // limit (429) and the bounded image queue (503 + Retry-After) exist to refuse; 8 at once is a
    // busy afternoon of onboarding. The refusals themselves are covered by the photo tests.
    concurrency: [1, 8],
    requests: (ctx) =>
      ctx.photoUpload
        ? [
            {
              method: 'POST',
              path: `/api/contacts/${ctx.contactId}/photos`,
              headers: { ...ctx.headers, 'content-type': ctx.photoUpload.contentType },
              body: ctx.photoUpload.body,
            },
          ]
        : [],
  },
  {
    // Issue 12: reading and expanding a 2,000-event calendar (5,800 occurrences in the window) and
    // matching its attendees, as the preview does before an import; one at a time, as people do.
    name: 'ICS preview, 2,000 events',
    needs: ['POST /api/imports/preview'],
    concurrency: [1],
    requests: (ctx) =>
      ctx.icsUpload
        ? [
            {
              method: 'POST',
              path: '/api/imports/preview',
              headers: { ...ctx.headers, 'content-type': ctx.icsUpload.contentType },
              body: ctx.icsUpload.body,
            },
          ]
        : [],
  },
  {
    name: 'mixed 80/20 read/write',
    needs: ['GET /api/contacts', 'POST /api/contacts'],
    requests: (ctx) => {
      const reads = [
        get('/api/contacts?limit=50', ctx.headers),
        get(`/api/contacts/${ctx.contactId}`, ctx.headers),
        ...(ctx.routes.has('GET /api/dashboard/stats') ? [get('/api/dashboard/stats', ctx.headers)] : []),
        ...(ctx.routes.has('GET /api/tasks') ? [get('/api/tasks?limit=50', ctx.headers)] : []),
      ];
      const writes = [
        post('/api/contacts', { name: 'Bench Contact ✨', emails: ['bench@example.test'] }, ctx.headers),
        ...(ctx.routes.has('POST /api/interactions')
          ? [post('/api/interactions', { contactId: ctx.contactId, type: 'note', subject: 'bench note' }, ctx.headers)]
          : []),
        ...(ctx.routes.has('POST /api/tasks') ? [post('/api/tasks', { title: 'bench task' }, ctx.headers)] : []),
      ];
      // Four reads for every write, cycling through the kinds of each.
      const rotation: LoadRequest[] = [];
      for (let i = 0; i < writes.length * 4; i++) {
        rotation.push(reads[i % reads.length]!);
        if (i % 4 === 3) rotation.push(writes[Math.floor(i / 4)]!);
      }
      return rotation;
    },
  },
  ...pageReadScenarios(touchContact),
];
