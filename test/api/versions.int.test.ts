import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  // Up to ~30 requests overlap on one user's rows: a pool that holds them all, so none waits past
  // the 1 s connection limit (which answers 503 by design) behind the row and list locks.
  t = await createTestApp({ DATABASE_POOL_SIZE: '32' });
});
afterAll(() => t.close());

type Kind = {
  name: string;
  /** Creates one record of the kind for the client; answers the create response. */
  create(client: TestClient): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** The record as a read answers it (a single GET where the kind has one, else its list). */
  read(client: TestClient, record: any): Promise<{ body: any; etag?: unknown }>;
  path: (id: string) => string;
  change: (n: number) => Record<string, unknown>;
};

async function contactOf(client: TestClient) {
  const res = await client.post('/api/contacts', { name: 'Versioned Parent' });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

const single = (url: string) => async (client: TestClient) => {
  const res = await client.get(url);
  expect(res.status, res.text).toBe(200);
  return { body: res.body, etag: res.headers.etag };
};
const fromList = (url: (r: any) => string) => async (client: TestClient, record: any) => {
  const res = await client.get(url(record));
  expect(res.status, res.text).toBe(200);
  return { body: res.body.items.find((i: { id: string }) => i.id === record.id) };
};

const KINDS: Kind[] = [
  {
    name: 'contact',
    create: (c) => c.post('/api/contacts', { name: 'Vera Version' }),
    read: (c, r) => single(`/api/contacts/${r.id}`)(c),
    path: (id) => `/api/contacts/${id}`,
    change: (n) => ({ notes: `edit ${n}` }),
  },
  {
    name: 'task',
    create: (c) => c.post('/api/tasks', { title: 'Versioned task' }),
    read: (c, r) => single(`/api/tasks/${r.id}`)(c),
    path: (id) => `/api/tasks/${id}`,
    change: (n) => ({ title: `Task edit ${n}` }),
  },
  {
    name: 'project',
    create: (c) => c.post('/api/projects', { name: 'Versioned project' }),
    read: (c, r) => single(`/api/projects/${r.id}`)(c),
    path: (id) => `/api/projects/${id}`,
    change: (n) => ({ name: `Project edit ${n}` }),
  },
  {
    name: 'goal',
    create: async (c) => c.post('/api/goals', { contactId: await contactOf(c), title: 'Versioned goal' }),
    read: fromList((r) => `/api/contacts/${r.contactId}/goals`),
    path: (id) => `/api/goals/${id}`,
    change: (n) => ({ currentValue: n }),
  },
  {
    name: 'interaction',
    create: async (c) => c.post('/api/interactions', { contactId: await contactOf(c), type: 'note', subject: 'Versioned' }),
    read: fromList((r) => `/api/contacts/${r.contactId}/interactions`),
    path: (id) => `/api/interactions/${id}`,
    change: (n) => ({ subject: `Entry edit ${n}` }),
  },
];

const ifMatch = (client: TestClient, url: string, body: unknown, etag: string) => client.request('PATCH', url, body, { 'if-match': etag });

describe.each(KINDS)('versions of a $name', (kind) => {
  it('reads give the version (and the ETag), updates move it on, stale ones are refused with the current record', async () => {
    const a = await signUp(t.app, `versions-${kind.name}`);
    const created = await kind.create(a);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.version).toBe(1);
    expect(created.headers.etag).toBe('"1"');
    const read = await kind.read(a, created.body);
    expect(read.body.version).toBe(1);
    if (read.etag !== undefined) expect(read.etag).toBe('"1"');

    // The current version, by If-Match: applied, version 2.
    const first = await ifMatch(a, kind.path(created.body.id), kind.change(1), '"1"');
    expect(first.status, first.text).toBe(200);
    expect(first.body.version).toBe(2);
    expect(first.headers.etag).toBe('"2"');

    // A stale If-Match: 409, nothing written, the current record in the body.
    const stale = await ifMatch(a, kind.path(created.body.id), kind.change(2), '"1"');
    expect(stale.status, stale.text).toBe(409);
    expect(stale.body.error.code).toBe('conflict');
    expect(stale.body.error.message).toMatch(/changed elsewhere .* version 1, it is now version 2/);
    expect(stale.body.error.details).toMatchObject({ currentVersion: 2, yourVersion: 1 });
    const now = await kind.read(a, created.body);
    expect(stale.body.error.details.current).toEqual(now.body);
    expect(now.body.version).toBe(2);

    // A stale body version: the same 409.
    const staleBody = await a.patch(kind.path(created.body.id), { ...kind.change(3), version: 1 });
    expect(staleBody.status, staleBody.text).toBe(409);
    expect(staleBody.body.error.details.current.version).toBe(2);

    // The current body version: applied.
    const second = await a.patch(kind.path(created.body.id), { ...kind.change(4), version: 2 });
    expect(second.status, second.text).toBe(200);
    expect(second.body.version).toBe(3);

    // No version at all: applied as before (last write wins), version 4.
    const blind = await a.patch(kind.path(created.body.id), kind.change(5));
    expect(blind.status, blind.text).toBe(200);
    expect(blind.body.version).toBe(4);
    expect((await kind.read(a, created.body)).body.version).toBe(4);

    // If-Match: * is "whatever is there": applied.
    const star = await ifMatch(a, kind.path(created.body.id), kind.change(6), '*');
    expect(star.status, star.text).toBe(200);
    expect(star.body.version).toBe(5);
  });

  it("answers 404 for someone else's record whatever the version (never a 409 that tells it exists)", async () => {
    const a = await signUp(t.app, `versions-owner-${kind.name}`);
    const b = await signUp(t.app, `versions-other-${kind.name}`);
    const created = await kind.create(a);
    for (const etag of ['"1"', '"7"']) {
      const res = await ifMatch(b, kind.path(created.body.id), kind.change(1), etag);
      expect(res.status, res.text).toBe(404);
      expect(res.text).not.toContain(created.body.id);
    }
    const body = await b.patch(kind.path(created.body.id), { ...kind.change(1), version: 3 });
    expect(body.status).toBe(404);
    expect((await kind.read(a, created.body)).body.version).toBe(1);
  });

  it('refuses a malformed If-Match, or one the body version contradicts, with a 400 saying what to send', async () => {
    const a = await signUp(t.app, `versions-bad-${kind.name}`);
    const created = await kind.create(a);
    for (const etag of ['1', 'W/"1"', '"abc"', '"0"', '"99999999999"']) {
      const res = await ifMatch(a, kind.path(created.body.id), kind.change(1), etag);
      expect(res.status, `${etag}: ${res.text}`).toBe(400);
      expect(res.body.error.message).toMatch(/If-Match must be the ETag/);
    }
    const both = await ifMatch(a, kind.path(created.body.id), { ...kind.change(1), version: 2 }, '"1"');
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/If-Match says version 1 but the body says version 2/);
    for (const version of [0, -1, 1.5, '1']) {
      const res = await a.patch(kind.path(created.body.id), { ...kind.change(1), version });
      expect(res.status, `${version}: ${res.text}`).toBe(400);
    }
    expect((await kind.read(a, created.body)).body.version).toBe(1);
  });

  it('lets exactly one of many concurrent updates made from the same version through', async () => {
    const a = await signUp(t.app, `versions-race-${kind.name}`);
    const created = await kind.create(a);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => ifMatch(a, kind.path(created.body.id), kind.change(n + 10), '"1"')),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect((await kind.read(a, created.body)).body.version).toBe(2);
  });
});

describe('versions of soft-deleted records', () => {
  it('answers 404 for a deleted goal, task or entry with or without a version; a restore moves the version on', async () => {
    const a = await signUp(t.app, 'versions-deleted');
    for (const kind of KINDS.filter((k) => ['task', 'goal', 'interaction'].includes(k.name))) {
      const created = await kind.create(a);
      expect((await a.delete(kind.path(created.body.id))).status).toBe(204);
      expect((await ifMatch(a, kind.path(created.body.id), kind.change(1), '"1"')).status).toBe(404);
      expect((await ifMatch(a, kind.path(created.body.id), kind.change(1), '"2"')).status).toBe(404);
      const restored = await a.post(`${kind.path(created.body.id)}/restore`);
      expect(restored.status, restored.text).toBe(200);
      // Deleted (2), restored (3): an edit made from before the delete is stale.
      expect(restored.body.version).toBe(3);
      expect(restored.headers.etag).toBe('"3"');
      expect((await ifMatch(a, kind.path(created.body.id), kind.change(1), '"1"')).status).toBe(409);
    }
  });
});

describe('versions under bulk actions, moves and merges', () => {
  it('bulk tag, untag, stage and consent changes move each changed contact on, and lose no concurrent change', async () => {
    const a = await signUp(t.app, 'versions-bulk');
    const ids: string[] = [];
    for (const name of ['Ada', 'Bo', 'Cy']) ids.push((await a.post('/api/contacts', { name })).body.id);
    const tags: string[] = [];
    for (const name of ['t1', 't2', 't3', 't4']) {
      const res = await a.post('/api/tags', { name });
      expect(res.status, res.text).toBe(201);
      tags.push(res.body.id);
    }
    // Four bulk tag actions and three blind edits, all at once, on the same contacts.
    const results = await Promise.all([
      ...tags.map((tagId) => a.post('/api/contacts/bulk', { action: 'tag', ids, tagIds: [tagId] })),
      ...ids.map((id) => a.patch(`/api/contacts/${id}`, { notes: `note of ${id}` })),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    for (const id of ids) {
      const c = (await a.get(`/api/contacts/${id}`)).body;
      expect(c.tags.map((x: { id: string }) => x.id).sort()).toEqual([...tags].sort());
      expect(c.notes).toBe(`note of ${id}`);
      expect(c.version).toBe(1 + tags.length + 1);
    }
    // Tagging again changes nothing, and the version stays.
    await a.post('/api/contacts/bulk', { action: 'tag', ids, tagIds: [tags[0]] });
    expect((await a.get(`/api/contacts/${ids[0]}`)).body.version).toBe(6);
    await a.post('/api/contacts/bulk', { action: 'untag', ids: [ids[0]], tagIds: [tags[0]] });
    await a.post('/api/contacts/bulk', { action: 'set_stage', ids: [ids[0]], stage: 'core_client' });
    await a.post('/api/contacts/bulk', { action: 'set_consent', ids: [ids[0]], purpose: 'ai_processing', granted: true, method: 'verbal' });
    const after = (await a.get(`/api/contacts/${ids[0]}`)).body;
    expect(after.version).toBe(9);
    expect(after.lifecycleStage).toBe('core_client');
    expect((await a.request('PATCH', `/api/contacts/${ids[0]}`, { notes: 'from before' }, { 'if-match': '"6"' })).status).toBe(409);
  });

  it('task moves move the task on, and concurrent moves keep the list a permutation', async () => {
    const a = await signUp(t.app, 'versions-moves');
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) ids.push((await a.post('/api/tasks', { title: `Task ${n}` })).body.id);
    const moved = await a.post(`/api/tasks/${ids[0]}/move`, { beforeId: null });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.version).toBe(2);
    expect(moved.headers.etag).toBe('"2"');
    const moves = Array.from({ length: 24 }, (_, n) => {
      const id = ids[n % ids.length]!;
      const anchor = ids[(n * 3 + 1) % ids.length]!;
      return anchor === id ? { id, body: { beforeId: null } } : { id, body: n % 2 ? { beforeId: anchor } : { afterId: anchor } };
    });
    const results = await Promise.all([
      ...moves.map((m) => a.post(`/api/tasks/${m.id}/move`, m.body)),
      ...Array.from({ length: 4 }, (_, n) => a.post('/api/tasks', { title: `New ${n}` })),
    ]);
    expect(results.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    const list = (await a.get('/api/tasks?sort=position&limit=100')).body.items as { id: string; position: number }[];
    expect(list).toHaveLength(12);
    expect(new Set(list.map((x) => x.id)).size).toBe(12);
    expect(new Set(list.map((x) => x.position)).size).toBe(12);
  });

  it('a merge moves the kept contact on; its undo moves it on again and brings the others back at a new version', async () => {
    const a = await signUp(t.app, 'versions-merge');
    const keep = (await a.post('/api/contacts', { name: 'Mia Merge', emails: ['mia@example.test'] })).body;
    const gone = (await a.post('/api/contacts', { name: 'Mia M.', emails: ['mia.m@example.test'] })).body;
    const merged = await a.post('/api/contacts/merge', { primaryId: keep.id, contactIds: [gone.id] });
    expect(merged.status, merged.text).toBe(200);
    expect((await a.get(`/api/contacts/${keep.id}`)).body.version).toBe(2);
    expect((await a.request('PATCH', `/api/contacts/${keep.id}`, { notes: 'x' }, { 'if-match': '"1"' })).status).toBe(409);
    const undo = await a.post(`/api/merges/${merged.body.mergeId}/undo`);
    expect(undo.status, undo.text).toBe(200);
    expect((await a.get(`/api/contacts/${keep.id}`)).body.version).toBe(3);
    const back = await a.get(`/api/contacts/${gone.id}`);
    expect(back.status).toBe(200);
    expect(back.body.version).toBe(2);
    expect((await a.request('PATCH', `/api/contacts/${gone.id}`, { notes: 'x' }, { 'if-match': '"1"' })).status).toBe(409);
  });
});
