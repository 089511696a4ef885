import type { BenchContext, Scenario } from './scenarios.js';

/**
 * Issue 15, item 10: every read the web app makes when one of its pages opens, with the query the
 * app sends. Each runs at c=50 beside the ceiling server answering the same bytes and must keep at
 * least half of it; its SQL count is the cold one (the read right after a write), what computing the
 * answer costs. `test/e2e/page-reads.e2e.test.ts` opens every page in a browser and fails when the
 * app reads a route this list does not name.
 */
type PageRead = {
  page: string;
  route: string;
  path: (ctx: BenchContext) => string;
  /** Makes the read answer 200 as it does for a practitioner who used the feature. */
  prepare?: (url: string, ctx: BenchContext) => Promise<void>;
};

const send = async (url: string, ctx: BenchContext, method: string, path: string, body: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...ctx.headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
};

export const PAGE_READS: PageRead[] = [
  { page: 'every page', route: 'GET /api/auth/me', path: () => '/api/auth/me' },
  { page: 'every page', route: 'GET /api/suggestions', path: () => '/api/suggestions?limit=100' },
  { page: 'today', route: 'GET /api/today', path: () => '/api/today' },
  { page: 'today', route: 'GET /api/reconnect', path: () => '/api/reconnect?limit=8' },
  { page: 'contacts', route: 'GET /api/contacts', path: () => '/api/contacts?limit=100' },
  { page: 'contacts', route: 'GET /api/contacts/count', path: () => '/api/contacts/count' },
  { page: 'contacts', route: 'GET /api/tags', path: () => '/api/tags?limit=200' },
  { page: 'contact', route: 'GET /api/contacts/{id}', path: (ctx) => `/api/contacts/${ctx.contactId}` },
  {
    page: 'contact',
    route: 'GET /api/contacts/{id}/interactions',
    path: (ctx) => `/api/contacts/${ctx.contactId}/interactions?limit=30`,
  },
  { page: 'contact', route: 'GET /api/contacts/{id}/goals', path: (ctx) => `/api/contacts/${ctx.contactId}/goals?limit=100` },
  { page: 'contact', route: 'GET /api/contacts/{id}/photos', path: (ctx) => `/api/contacts/${ctx.contactId}/photos?limit=50` },
  { page: 'contact', route: 'GET /api/contacts/{id}/consents', path: (ctx) => `/api/contacts/${ctx.contactId}/consents` },
  {
    page: 'contact',
    route: 'GET /api/contacts/{id}/consents/history',
    path: (ctx) => `/api/contacts/${ctx.contactId}/consents/history?limit=20`,
  },
  {
    page: 'contact',
    route: 'GET /api/contacts/{id}/documents',
    path: (ctx) => `/api/contacts/${ctx.contactId}/documents?limit=20`,
  },
  {
    page: 'contact',
    route: 'GET /api/tasks',
    path: (ctx) => `/api/tasks?limit=200&contactId=${ctx.contactId}&sort=due&order=asc`,
  },
  {
    page: 'contact',
    route: 'GET /api/ai/insights/{contactId}',
    path: (ctx) => `/api/ai/insights/${ctx.contactId}`,
    // Insights exist once generated (offline rules without an AI key), for a contact who consented.
    prepare: async (url, ctx) => {
      await send(url, ctx, 'PUT', `/api/contacts/${ctx.contactId}/consents/ai_processing`, { granted: true, method: 'form' });
      await send(url, ctx, 'POST', `/api/ai/insights/${ctx.contactId}`, {});
    },
  },
  {
    page: 'tasks',
    route: 'GET /api/tasks',
    path: () => '/api/tasks?limit=200&topLevel=true&status=pending%2Cin_progress%2Cwaiting_approval&sort=position',
  },
  { page: 'tasks', route: 'GET /api/projects', path: () => '/api/projects?limit=200' },
  { page: 'dashboard', route: 'GET /api/dashboard/stats', path: () => '/api/dashboard/stats' },
  { page: 'duplicates', route: 'GET /api/duplicates', path: () => '/api/duplicates' },
  { page: 'duplicates', route: 'GET /api/merges', path: () => '/api/merges?limit=20' },
  { page: 'settings', route: 'GET /api/auth/sessions', path: () => '/api/auth/sessions' },
  { page: 'settings', route: 'GET /api/auth/providers', path: () => '/api/auth/providers' },
  { page: 'settings', route: 'GET /api/google', path: () => '/api/google' },
  { page: 'settings', route: 'GET /api/sync', path: () => '/api/sync' },
  { page: 'settings', route: 'GET /api/calendar/feed', path: () => '/api/calendar/feed' },
  { page: 'settings', route: 'GET /api/calendar/subscriptions', path: () => '/api/calendar/subscriptions' },
  { page: 'settings', route: 'GET /api/ai/usage', path: () => '/api/ai/usage' },
  { page: 'privacy', route: 'GET /api/audit', path: () => '/api/audit?limit=25' },
];

export const pageReadScenarios = (touch: Scenario['coldWith']): Scenario[] =>
  PAGE_READS.map((read) => ({
    name: `page read · ${read.page}: ${read.path({ contactId: '{id}' } as BenchContext).split('?')[0]}`,
    needs: [read.route],
    hasCeiling: true,
    concurrency: [50],
    budget: { minCeilingRatio: 0.5 },
    statementsAfter: touch,
    prepare: read.prepare,
    requests: (ctx) => [{ method: 'GET', path: read.path(ctx), headers: ctx.headers }],
  }));
