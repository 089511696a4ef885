import type { TestClient } from './client.js';

/**
 * The tenant-isolation contract of every /api route. test/api/isolation.int.test.ts walks the
 * app's route table and fails for any route that has no entry here, so a new route must say how
 * it is reached and which owned resources its params and body name.
 *
 * Each module adds its resource kinds to FIXTURES and its routes to ROUTE_CASES.
 */

/** Creates one resource owned by `owner` (user B in the test) and returns its id. */
type Fixture = {
  create(owner: TestClient, ids: Partial<ForeignIds>): Promise<string>;
  /** A GET url that shows the resource to its owner, used to prove nothing of B's changed. */
  read(id: string, ids: ForeignIds): string;
  /** Kinds that must exist first (a goal needs a contact). */
  needs?: ResourceKind[];
};

export type ResourceKind = 'contact' | 'tag' | 'session';
export type ForeignIds = Record<ResourceKind, string>;

export type RouteCase =
  /** Reachable without a session (sign-in, CSRF token, health). */
  | { isPublic: true }
  | {
      isPublic?: false;
      /** Which resource kind fills each path parameter. */
      params?: Record<string, ResourceKind>;
      /** A valid body; given B's ids so a body can name them. */
      body?: (foreign: ForeignIds) => unknown;
      /** Status for a request naming B's (or random) ids when it is not 404, e.g. bulk answers 200. */
      foreignStatus?: number;
      /** Routes that end the caller's session or account; run last and on a fresh client. */
      isDestructiveToCaller?: boolean;
    };

export const FIXTURES: Record<ResourceKind, Fixture> = {
  tag: {
    async create(owner) {
      const res = await owner.post('/api/tags', { name: `B tag ${Math.random().toString(36).slice(2, 8)}` });
      return res.body.id;
    },
    read: (id) => `/api/tags?limit=200#${id}`,
  },
  contact: {
    needs: ['tag'],
    async create(owner, ids) {
      const res = await owner.post('/api/contacts', { name: 'B Contact', emails: ['b-contact@example.test'], tagIds: [ids.tag] });
      return res.body.id;
    },
    read: (id) => `/api/contacts/${id}`,
  },
  session: {
    async create(owner) {
      const res = await owner.get('/api/auth/sessions');
      return res.body.items[0].id;
    },
    read: () => '/api/auth/sessions',
  },
};

export const ROUTE_CASES: Record<string, RouteCase> = {
  'GET /api/openapi.json': { isPublic: true },
  'GET /api/auth/csrf': { isPublic: true },
  'POST /api/auth/signup': { isPublic: true },
  'POST /api/auth/login': { isPublic: true },
  'POST /api/auth/logout': { isPublic: true },
  'POST /api/auth/logout-all': { isDestructiveToCaller: true },
  'GET /api/auth/me': {},
  'PATCH /api/auth/me': { body: () => ({ displayName: 'A' }) },
  'POST /api/auth/password': {
    body: () => ({ currentPassword: 'wrong password', newPassword: 'another long password' }),
    foreignStatus: 422,
  },
  'GET /api/auth/sessions': {},
  'DELETE /api/auth/sessions/:id': { params: { id: 'session' } },

  'GET /api/contacts': {},
  'POST /api/contacts': { body: (f) => ({ name: 'A contact', tagIds: [f.tag] }), foreignStatus: 422 },
  'POST /api/contacts/bulk': { body: (f) => ({ action: 'delete', ids: [f.contact] }), foreignStatus: 200 },
  'GET /api/contacts/:id': { params: { id: 'contact' } },
  'PATCH /api/contacts/:id': { params: { id: 'contact' }, body: () => ({ name: 'Changed by A' }) },
  'DELETE /api/contacts/:id': { params: { id: 'contact' } },
  'GET /api/contacts/:id/delete-preview': { params: { id: 'contact' } },

  'GET /api/tags': {},
  'POST /api/tags': { body: () => ({ name: `A tag ${Math.random().toString(36).slice(2, 8)}` }), foreignStatus: 201 },
  'PATCH /api/tags/:id': { params: { id: 'tag' }, body: () => ({ color: '#123456' }) },
  'DELETE /api/tags/:id': { params: { id: 'tag' } },
  'POST /api/tags/:id/merge': { params: { id: 'tag' }, body: (f) => ({ intoTagId: f.tag }) },
};
