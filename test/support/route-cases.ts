import crypto from 'node:crypto';
import sharp from 'sharp';
import type { Response, TestClient } from './client.js';

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
  /** An id of this kind that names nothing; a random UUID unless the kind's ids look different. */
  randomId?(): string;
};

export type ResourceKind =
  | 'contact'
  | 'tag'
  | 'session'
  | 'photo'
  | 'project'
  | 'task'
  | 'interaction'
  | 'goal'
  | 'merge'
  | 'import'
  | 'evidence'
  | 'subscription'
  | 'suggestion'
  | 'delegation'
  | 'document'
  | 'conversation';
export type ForeignIds = Record<ResourceKind, string>;

export type RouteCase =
  /** Reachable without a session (sign-in, CSRF token, health). */
  | { isPublic: true }
  | {
      isPublic?: false;
      /** Which resource kind fills each path parameter. */
      params?: Record<string, ResourceKind>;
      /** Path parameters that name no resource (a consent purpose): their fixed value. */
      literalParams?: Record<string, string>;
      /**
       * A valid body; given B's ids (or random ones) so a body can name them, and the caller's own
       * ids for a body that must name one of the caller's resources (a merge target).
       */
      body?: (foreign: ForeignIds, own: ForeignIds) => unknown;
      /** Query string (without '?') a GET needs to answer 200 with the caller's own ids. */
      query?: string;
      /** Status for a request naming B's (or random) ids when it is not 404, e.g. bulk answers 200. */
      foreignStatus?: number;
      /** Status a GET answers the caller with their own ids when it is not below 400 (Google not connected in the isolation app). */
      ownStatus?: number;
      /** Routes that end the caller's session or account; run last and on a fresh client. */
      isDestructiveToCaller?: boolean;
    };

export const FIXTURES: Record<ResourceKind, Fixture> = {
  conversation: {
    // One question (answered offline in the isolation app): the conversation is stored with its answer.
    async create(owner) {
      const res = await owner.post('/api/ai/chat', { message: 'Who needs a call this week?' });
      const done = /event: done\ndata: (.*)/.exec(res.text)?.[1];
      if (!done) throw new Error(`no done event: ${res.text.slice(0, 200)}`);
      return JSON.parse(done).conversationId;
    },
    read: (id) => `/api/ai/conversations/${id}`,
  },
  suggestion: {
    // B's contact has no AI consent decision: the run proposes recording one (and more).
    needs: ['contact'],
    async create(owner) {
      await owner.post('/api/suggestions/run');
      const res = await owner.get('/api/suggestions?limit=1');
      return res.body.items[0].id;
    },
    read: (id) => `/api/suggestions?limit=200#${id}`,
  },
  delegation: {
    needs: ['task'],
    async create(owner, ids) {
      const res = await owner.post(`/api/tasks/${ids.task}/delegate`, { by: 'stage' });
      return res.body.id;
    },
    read: (id) => `/api/delegations/${id}`,
  },
  subscription: {
    // A refused literal address: the first fetch fails at once, without DNS or a connection.
    async create(owner) {
      const res = await owner.post('/api/calendar/subscriptions', { url: `http://10.0.0.1/b-${Math.random().toString(36).slice(2)}.ics` });
      return res.body.id;
    },
    read: (id) => `/api/calendar/subscriptions#${id}`,
  },
  import: {
    async create(owner) {
      const csv = Buffer.from('Name,E-mail Address\nB Imported,b-imported@example.test\n');
      const res = await postFile(owner, '/api/imports', csv, { filename: 'b.csv', contentType: 'text/csv' });
      // Finished before the test reads it, so its answer does not move while the test compares.
      for (let i = 0; i < 200; i++) {
        const job = await owner.get(`/api/imports/${res.body.id}`);
        if (job.body.status === 'finished' || job.body.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      return res.body.id;
    },
    read: (id) => `/api/imports/${id}`,
  },
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
      const res = await owner.post('/api/contacts', {
        name: 'B Contact',
        emails: ['b-contact@example.test'],
        tagIds: [ids.tag],
        hasPhotoConsent: true,
      });
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
    randomId: () => crypto.randomBytes(32).toString('hex'),
  },
  photo: {
    needs: ['contact'],
    async create(owner, ids) {
      const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#4a7' } })
        .png()
        .toBuffer();
      const res = await postFile(owner, `/api/contacts/${ids.contact}/photos`, image);
      return res.body.id;
    },
    read: (id, ids) => `/api/contacts/${ids.contact}/photos?limit=200#${id}`,
  },
  project: {
    async create(owner) {
      const res = await owner.post('/api/projects', { name: 'B project', color: '#334455' });
      return res.body.id;
    },
    read: (id) => `/api/projects/${id}`,
  },
  task: {
    needs: ['project', 'contact'],
    // A subtask, so that a parent id and a project id of B's exist to be named in bodies.
    async create(owner, ids) {
      const parent = await owner.post('/api/tasks', { title: 'B parent task', projectId: ids.project });
      const res = await owner.post('/api/tasks', { title: 'B task', parentTaskId: parent.body.id, contactIds: [ids.contact] });
      return res.body.id;
    },
    read: (id) => `/api/tasks/${id}`,
  },
  interaction: {
    needs: ['contact'],
    async create(owner, ids) {
      const res = await owner.post('/api/interactions', {
        contactId: ids.contact,
        type: 'meeting',
        subject: 'B session',
        occurredAt: '2025-01-15T10:00:00.000Z',
        source: 'calendar',
        sourceId: `b-event-${Math.random().toString(36).slice(2, 10)}`,
      });
      return res.body.id;
    },
    read: (id, ids) => `/api/contacts/${ids.contact}/interactions?limit=200#${id}`,
  },
  evidence: {
    needs: ['contact'],
    async create(owner, ids) {
      const res = await postFile(owner, `/api/contacts/${ids.contact}/consents/evidence`, Buffer.from('Signed by B on paper.\n'), {
        filename: 'b-form.txt',
        contentType: 'text/plain',
      });
      return res.body.id;
    },
    read: (id, ids) => `/api/contacts/${ids.contact}/consents/evidence/${id}`,
  },
  goal: {
    needs: ['contact'],
    async create(owner, ids) {
      const res = await owner.post('/api/goals', { contactId: ids.contact, title: 'B goal', targetValue: 10, currentValue: 2 });
      return res.body.id;
    },
    read: (id, ids) => `/api/contacts/${ids.contact}/goals?limit=200#${id}`,
  },
  document: {
    // Documents come from Drive sync only: written here through the documents service, as the sync does.
    needs: ['contact'],
    async create(owner, ids) {
      const userId = (await owner.get('/api/auth/me')).body.user.id as string;
      await owner.app.services.documents.applyBatch(userId, {
        removals: [],
        upserts: [
          {
            externalId: crypto.randomUUID(),
            name: 'B notes.txt',
            mimeType: 'text/plain',
            webUrl: null,
            text: 'Notes of B',
            searchText: 'b notes.txt notes of b',
            contentHash: 'h',
            modifiedAt: new Date(),
            contactIds: [ids.contact!],
          },
        ],
      });
      const res = await owner.get(`/api/contacts/${ids.contact}/documents`);
      return res.body.items[0].id;
    },
    read: (id) => `/api/documents/${id}`,
  },
  merge: {
    // Two contacts of the owner's own, merged: the merge can be undone by its owner only.
    async create(owner) {
      const first = await owner.post('/api/contacts', { name: 'Merge One', emails: ['merge-one@example.test'] });
      const second = await owner.post('/api/contacts', { name: 'Merge Two', emails: ['merge-one@example.test'] });
      const res = await owner.post('/api/contacts/merge', { primaryId: first.body.id, contactIds: [second.body.id] });
      return res.body.mergeId;
    },
    read: (id) => `/api/merges?limit=200#${id}`,
  },
};

export const ROUTE_CASES: Record<string, RouteCase> = {
  'GET /api/openapi.json': { isPublic: true },
  'GET /api/auth/csrf': { isPublic: true },
  'POST /api/auth/signup': { isPublic: true },
  'POST /api/auth/login': { isPublic: true },
  'POST /api/auth/logout': { isPublic: true },
  'POST /api/auth/logout-all': { isDestructiveToCaller: true },
  // google-signin.int.test.ts walks "Sign in with Google" (pre-session cookie, no session) on the fake Google.
  'GET /api/auth/providers': { isPublic: true },
  'GET /api/auth/google': { isPublic: true },
  'GET /api/auth/google/callback': { isPublic: true },
  'GET /api/auth/google/link': { isPublic: true },
  'POST /api/auth/google/link': { isPublic: true },
  'GET /api/auth/me': {},
  'PATCH /api/auth/me': { body: () => ({ displayName: 'A' }) },
  'POST /api/auth/password': {
    body: () => ({ currentPassword: 'wrong password', newPassword: 'another long password' }),
    foreignStatus: 422,
  },
  'GET /api/auth/sessions': {},
  'DELETE /api/auth/sessions/:id': { params: { id: 'session' } },

  'GET /api/contacts': {},
  'GET /api/contacts/count': {},
  'GET /api/contacts/ids': {},
  'POST /api/contacts': { body: (f) => ({ name: 'A contact', tagIds: [f.tag] }), foreignStatus: 422 },
  'POST /api/contacts/bulk': { body: (f) => ({ action: 'delete', ids: [f.contact] }), foreignStatus: 200 },
  'GET /api/contacts/:id': { params: { id: 'contact' } },
  'PATCH /api/contacts/:id': { params: { id: 'contact' }, body: () => ({ name: 'Changed by A' }) },
  'DELETE /api/contacts/:id': { params: { id: 'contact' } },
  'GET /api/contacts/:id/delete-preview': { params: { id: 'contact' } },
  // Exports are ZIPs (compressed, so the generic leak check cannot read them): export.int.test.ts
  // unzips A's exports and looks for B's rows there.
  'GET /api/contacts/:id/export': { params: { id: 'contact' } },
  'GET /api/export': {},
  // A fresh sign-in confirms without a password: the throwaway caller's account is deleted.
  'DELETE /api/account': { body: () => ({}), isDestructiveToCaller: true },

  'GET /api/tags': {},
  'POST /api/tags': { body: () => ({ name: `A tag ${Math.random().toString(36).slice(2, 8)}` }), foreignStatus: 201 },
  'PATCH /api/tags/:id': { params: { id: 'tag' }, body: () => ({ color: '#123456' }) },
  'DELETE /api/tags/:id': { params: { id: 'tag' } },
  // Merging B's tag into A's own: never into itself, which would answer 422 before any ownership check.
  'POST /api/tags/:id/merge': { params: { id: 'tag' }, body: (_f, own) => ({ intoTagId: own.tag }) },

  // The upload checks the contact before reading the body, so a JSON body naming B's contact gets 404.
  'POST /api/contacts/:id/photos': { params: { id: 'contact' } },
  'GET /api/contacts/:id/photos': { params: { id: 'contact' } },
  'POST /api/contacts/:id/photos/:photoId/activate': { params: { id: 'contact', photoId: 'photo' } },
  'DELETE /api/photos/:id': { params: { id: 'photo' } },
  'POST /api/photos/:id/restore': { params: { id: 'photo' } },
  'GET /api/photos/:id': { params: { id: 'photo' } },

  'GET /api/projects': {},
  'POST /api/projects': { body: () => ({ name: 'A project' }) },
  'GET /api/projects/:id': { params: { id: 'project' } },
  'PATCH /api/projects/:id': { params: { id: 'project' }, body: () => ({ name: 'Renamed by A', isArchived: true }) },
  'DELETE /api/projects/:id': { params: { id: 'project' } },
  'GET /api/projects/:id/delete-preview': { params: { id: 'project' } },

  'GET /api/tasks': {},
  'GET /api/tasks/analytics': {},
  'POST /api/tasks': {
    body: (f) => ({ title: 'A task', projectId: f.project, parentTaskId: f.task, contactIds: [f.contact] }),
    foreignStatus: 422,
  },
  'GET /api/tasks/:id': { params: { id: 'task' } },
  'PATCH /api/tasks/:id': { params: { id: 'task' }, body: () => ({ title: 'Changed by A', status: 'completed' }) },
  'DELETE /api/tasks/:id': { params: { id: 'task' } },
  'POST /api/tasks/:id/restore': { params: { id: 'task' } },
  'POST /api/tasks/:id/move': { params: { id: 'task' }, body: () => ({ beforeId: null }) },
  'GET /api/tasks/:id/activity': { params: { id: 'task' } },

  'GET /api/interactions': {},
  'GET /api/contacts/:id/interactions': { params: { id: 'contact' } },
  // Naming B's contact answers 404 "Contact not found", as a contact that does not exist does.
  'POST /api/interactions': { body: (f) => ({ contactId: f.contact, type: 'note', subject: 'By A' }), foreignStatus: 404 },
  'POST /api/interactions/bulk': { body: (f) => ({ contactIds: [f.contact], subject: 'Class by A' }), foreignStatus: 404 },
  'PATCH /api/interactions/:id': { params: { id: 'interaction' }, body: () => ({ subject: 'Changed by A', sentiment: 1 }) },
  'DELETE /api/interactions/:id': { params: { id: 'interaction' } },
  'POST /api/interactions/:id/restore': { params: { id: 'interaction' } },

  'GET /api/contacts/:id/documents': { params: { id: 'contact' } },
  'GET /api/documents': {},
  'GET /api/documents/:id': { params: { id: 'document' } },

  'GET /api/goals': {},
  'GET /api/contacts/:id/goals': { params: { id: 'contact' } },
  'POST /api/goals': { body: (f) => ({ contactId: f.contact, title: 'A goal' }), foreignStatus: 404 },
  'PATCH /api/goals/:id': { params: { id: 'goal' }, body: () => ({ status: 'completed', currentValue: 99 }) },
  'DELETE /api/goals/:id': { params: { id: 'goal' } },
  'POST /api/goals/:id/restore': { params: { id: 'goal' } },

  'GET /api/ai/usage': {},
  'GET /api/ai/prompts': {},
  // Scores the caller's own interactions only (offline in this test app): B's are never touched.
  'POST /api/ai/sentiment/run': {},
  // Classifies the caller's own calendar events only (offline here); ai-classify.int.test.ts checks the rest.
  'POST /api/ai/classify/run': {},
  'GET /api/ai/classifications': {},
  // A question in B's conversation is a 404 before any stream; the caller's own conversations only.
  'POST /api/ai/chat': { body: (f) => ({ message: 'What did we say?', conversationId: f.conversation }) },
  'GET /api/ai/conversations': {},
  'GET /api/ai/conversations/:id': { params: { id: 'conversation' } },
  'DELETE /api/ai/conversations/:id': { params: { id: 'conversation' } },
  // Names no resource; without a model (the isolation app) it answers 503 before reading anything of anyone.
  'POST /api/ai/transcribe': { ownStatus: 415 },
  // The caller's own contact has no ai_processing consent here: 409; ai-insights.int.test.ts checks the rest.
  'GET /api/ai/insights/:contactId': { params: { contactId: 'contact' }, ownStatus: 409 },
  'POST /api/ai/insights/:contactId': { params: { contactId: 'contact' } },

  'GET /api/suggestions': {},
  // Computes the caller's own suggestions only: B's are never touched.
  'POST /api/suggestions/run': {},
  'POST /api/suggestions/:id/approve': { params: { id: 'suggestion' } },
  'POST /api/suggestions/:id/reject': { params: { id: 'suggestion' } },
  'POST /api/suggestions/:id/undo': { params: { id: 'suggestion' } },
  'POST /api/tasks/:id/delegate': { params: { id: 'task' }, body: () => ({ by: 'stage' }) },
  'GET /api/delegations/:id': { params: { id: 'delegation' } },
  'PATCH /api/delegations/:id': { params: { id: 'delegation' }, body: () => ({ segments: [{ key: 'stage:discovery', include: false }] }) },
  'POST /api/delegations/:id/approve': { params: { id: 'delegation' } },
  'POST /api/delegations/:id/discard': { params: { id: 'delegation' } },

  'GET /api/reconnect': {},
  'GET /api/dashboard/stats': {},
  'GET /api/today': {},
  'POST /api/contacts/:id/snooze': { params: { id: 'contact' }, body: () => ({ days: 3 }) },
  // Naming B's contact answers 404 "Contact not found", as a contact that does not exist does.
  'POST /api/calendar/events': { body: (f) => ({ title: 'A session', startsAt: '2030-01-01T10:00:00Z', contactId: f.contact }) },
  // The calendar feed is per user (no ids); the feed itself, GET /ics/<token>.ics, is outside /api
  // (public, the token is the credential): ics-feed.int.test.ts checks B's token never shows A's data.
  'GET /api/calendar/feed': {},
  'POST /api/calendar/feed': { body: () => ({}) },
  'DELETE /api/calendar/feed': {},
  // Google: per user (no ids). Nobody connects Google in the isolation app;
  // google.int.test.ts checks, on the fake Google, that one user's sync never uses another's token.
  'GET /api/google/connect': {},
  'GET /api/google/callback': { ownStatus: 400 },
  'GET /api/google': {},
  'DELETE /api/google': {},
  'GET /api/google/calendars': { ownStatus: 409 },
  'PUT /api/google/calendars': { body: () => ({ calendarIds: [] }) },
  'POST /api/sync/:service': { literalParams: { service: 'calendar' } },
  'GET /api/sync': {},
  // A sync job id is found only in its owner's status row: any other id, B's included, is a 404.
  'GET /api/sync/jobs/:id/events': { literalParams: { id: '00000000-0000-4000-8000-000000000000' }, ownStatus: 404 },
  'GET /api/calendar/subscriptions': {},
  'POST /api/calendar/subscriptions': { body: () => ({ url: `webcal://10.0.0.1/a-${Math.random().toString(36).slice(2)}.ics` }) },
  'POST /api/calendar/subscriptions/:id/refresh': { params: { id: 'subscription' } },
  'DELETE /api/calendar/subscriptions/:id': { params: { id: 'subscription' } },

  'GET /api/contacts/:id/consents': { params: { id: 'contact' } },
  'GET /api/contacts/:id/consents/history': { params: { id: 'contact' } },
  'PUT /api/contacts/:id/consents/:purpose': {
    params: { id: 'contact' },
    literalParams: { purpose: 'ai_processing' },
    body: () => ({ granted: false, method: 'verbal', note: 'Withdrawn by A' }),
  },
  // Multipart only: a JSON body is refused (415) first; consent-evidence.int.test.ts uploads to B's contact.
  'POST /api/contacts/:id/consents/evidence': { params: { id: 'contact' }, foreignStatus: 415 },
  'GET /api/contacts/:id/consents/evidence/:evidenceId': { params: { id: 'contact', evidenceId: 'evidence' } },
  'GET /api/audit': {},
  'GET /api/duplicates': {},
  // Naming one of B's contacts answers 404 "Contact not found", as a contact that does not exist does.
  'POST /api/duplicates/dismiss': { body: (f, own) => ({ contactIds: [own.contact, f.contact] }) },
  'POST /api/contacts/merge': { body: (f, own) => ({ primaryId: own.contact, contactIds: [f.contact] }) },
  'GET /api/merges': {},
  'POST /api/merges/:id/undo': { params: { id: 'merge' } },
  // Multipart only: a JSON body is refused (415) before anything is read.
  'POST /api/imports/preview': { foreignStatus: 415 },
  'POST /api/imports': { foreignStatus: 415 },
  'GET /api/imports/:id': { params: { id: 'import' } },
  'GET /api/imports/:id/events': { params: { id: 'import' } },
  // B's contact ids in the selection export nothing of B's (checked in test/api/imports.int.test.ts).
  'GET /api/contacts/export.vcf': {},
  'GET /api/contacts/export.csv': {},
};

/** Sends one file as multipart/form-data (built by hand: no form library needed) with the client's session. */
export async function postFile(
  client: TestClient,
  url: string,
  bytes: Buffer,
  options: { field?: string; filename?: string; contentType?: string } = {},
): Promise<Response> {
  if (!client.csrf) await client.get('/api/auth/csrf');
  const boundary = `----mcrm${crypto.randomBytes(12).toString('hex')}`;
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; filename="${options.filename ?? 'photo.jpg'}"\r\n` +
    `Content-Type: ${options.contentType ?? 'image/jpeg'}\r\n\r\n`;
  const res = await client.app.inject({
    method: 'POST',
    url,
    remoteAddress: client.remoteAddress,
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'x-csrf-token': client.csrf,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    },
    payload: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
  });
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, body, headers: res.headers, text: res.body };
}

export function kindsInOrder(): ResourceKind[] {
  const order: ResourceKind[] = [];
  const visit = (kind: ResourceKind) => {
    if (order.includes(kind)) return;
    for (const need of FIXTURES[kind].needs ?? []) visit(need);
    order.push(kind);
  };
  for (const kind of Object.keys(FIXTURES) as ResourceKind[]) visit(kind);
  return order;
}

/** One record of every kind, owned by `owner`, created in the order their `needs` ask for. */
export async function createFixtures(owner: TestClient): Promise<ForeignIds> {
  const ids: Partial<ForeignIds> = {};
  for (const kind of kindsInOrder()) {
    const id = await FIXTURES[kind].create(owner, ids);
    if (typeof id !== 'string' || !id) throw new Error(`FIXTURES.${kind}.create returned ${String(id)}`);
    ids[kind] = id;
  }
  return ids as ForeignIds;
}
