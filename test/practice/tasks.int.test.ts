import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { created } from '../support/pages.js';
import { signUp, type TestClient } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = created;
const titles = (res: { body: { items: { title: string }[] } }) => res.body.items.map((x) => x.title);

/** Follows nextCursor to the end, asserting every page is within the limit. */
async function walk(client: TestClient, url: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await client.get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items.map((x: { title: string }) => x.title));
    cursor = res.body.nextCursor;
  } while (cursor);
  return seen;
}

describe('task CRUD', () => {
  it('creates, reads, updates and deletes a task with the documented shape', async () => {
    const a = await signUp(t.app, 'tasks-crud');
    const project = await post(a, '/api/projects', { name: 'Retreat', color: '#aa3366' });
    const contact = await post(a, '/api/contacts', { name: 'Maya Lin' });
    const created = await post(a, '/api/tasks', {
      title: '  Book the venue  ',
      description: 'Near the lake',
      priority: 'high',
      owner: 'assistant',
      dueAt: '2030-05-01T09:00:00+02:00',
      estimatedMinutes: 45,
      projectId: project.id,
      contactIds: [contact.id, contact.id],
    });
    expect(created).toEqual({
      version: 1,
      id: expect.any(String),
      title: 'Book the venue',
      description: 'Near the lake',
      status: 'pending',
      priority: 'high',
      owner: 'assistant',
      dueAt: '2030-05-01T07:00:00.000Z',
      estimatedMinutes: 45,
      actualMinutes: null,
      position: expect.any(Number),
      projectId: project.id,
      project: { id: project.id, name: 'Retreat', color: '#aa3366' },
      parentTaskId: null,
      subtaskCounts: { total: 0, completed: 0 },
      contacts: [{ id: contact.id, name: 'Maya Lin', photoUrl: null }],
      completedAt: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
      subtasks: [],
    });

    const read = await a.get(`/api/tasks/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created);

    const done = await a.patch(`/api/tasks/${created.id}`, { status: 'completed', actualMinutes: 50, contactIds: [] });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', actualMinutes: 50, contacts: [] });
    expect(Date.parse(done.body.completedAt)).toBeGreaterThan(0);

    const reopened = await a.patch(`/api/tasks/${created.id}`, { status: 'in_progress', dueAt: null, projectId: null });
    expect(reopened.body).toMatchObject({ status: 'in_progress', completedAt: null, dueAt: null, projectId: null, project: null });

    const contactView = await a.get(`/api/contacts/${contact.id}`);
    expect(contactView.body.counts.openTasks).toBe(0);

    expect((await a.delete(`/api/tasks/${created.id}`)).status).toBe(204);
    expect((await a.get(`/api/tasks/${created.id}`)).status).toBe(404);
    expect((await a.delete(`/api/tasks/${created.id}`)).status).toBe(404);
  });

  it('creating a task as completed stamps completedAt', async () => {
    const a = await signUp(t.app, 'tasks-done');
    const task = await post(a, '/api/tasks', { title: 'Already done', status: 'completed' });
    expect(task.completedAt).toBe(task.createdAt);
  });

  it('reads use exactly one SQL statement each', async () => {
    const a = await signUp(t.app, 'tasks-stmts');
    const project = await post(a, '/api/projects', { name: 'P' });
    const contact = await post(a, '/api/contacts', { name: 'C' });
    const parent = await post(a, '/api/tasks', { title: 'Parent', projectId: project.id, contactIds: [contact.id] });
    for (let i = 0; i < 3; i++) await post(a, '/api/tasks', { title: `Sub ${i}`, parentTaskId: parent.id, contactIds: [contact.id] });
    for (const url of [
      '/api/tasks',
      '/api/tasks?limit=2',
      `/api/tasks?status=pending,in_progress&priority=medium&projectId=${project.id}&contactId=${contact.id}&sort=due`,
      `/api/tasks/${parent.id}`,
      '/api/tasks/analytics',
      `/api/tasks/analytics?projectId=${project.id}`,
      `/api/tasks/${parent.id}/activity`,
    ]) {
      const res = await a.get(url);
      expect(res.status, `${url}: ${res.text}`).toBe(200);
      expect(res.headers['x-db-statements'], url).toBe('1');
    }
    const detail = await a.get(`/api/tasks/${parent.id}`);
    expect(detail.body.subtasks.map((s: { title: string }) => s.title)).toEqual(['Sub 0', 'Sub 1', 'Sub 2']);
    expect(detail.body.subtasks[0].contacts).toEqual([{ id: contact.id, name: 'C', photoUrl: null }]);
    expect(detail.body.subtaskCounts).toEqual({ total: 3, completed: 0 });
  });

  it('looks references up only for writes that name some: a title or a status costs one statement less', async () => {
    const a = await signUp(t.app, 'tasks-refs');
    const project = await post(a, '/api/projects', { name: 'P' });
    const statements = (res: { status: number; headers: Record<string, unknown> }) => {
      expect(res.status).toBeLessThan(300);
      return Number(res.headers['x-db-statements']);
    };
    const plain = await a.post('/api/tasks', { title: 'Plain' });
    const inProject = await a.post('/api/tasks', { title: 'In a project', projectId: project.id });
    // The list lock, the insert, its activity and the answer (begin and commit too on PostgreSQL);
    // the one statement more is the reference lookup.
    expect(statements(inProject) - statements(plain)).toBe(1);
    const status = await a.request('PATCH', `/api/tasks/${plain.body.id}`, { status: 'in_progress' });
    const moved = await a.request('PATCH', `/api/tasks/${plain.body.id}`, { projectId: project.id });
    expect(statements(moved) - statements(status)).toBe(1);
    expect((await a.get(`/api/tasks/${plain.body.id}`)).body).toMatchObject({ status: 'in_progress', projectId: project.id });
    // A missing project is still refused.
    const missing = await a.request('PATCH', `/api/tasks/${plain.body.id}`, { projectId: crypto.randomUUID() });
    expect(missing.status).toBe(422);
  });
});

describe('subtasks', () => {
  it('nest under a parent, inherit its project, count completions and go with it on delete', async () => {
    const a = await signUp(t.app, 'tasks-sub');
    const project = await post(a, '/api/projects', { name: 'Workshop' });
    const parent = await post(a, '/api/tasks', { title: 'Plan workshop', projectId: project.id });
    const s1 = await post(a, '/api/tasks', { title: 'Print handouts', parentTaskId: parent.id });
    const s2 = await post(a, '/api/tasks', { title: 'Send invites', parentTaskId: parent.id, projectId: null });
    const grandchild = await post(a, '/api/tasks', { title: 'Draft invite text', parentTaskId: s2.id });
    expect(s1).toMatchObject({ parentTaskId: parent.id, projectId: project.id });
    expect(s2.projectId).toBeNull();

    await a.patch(`/api/tasks/${s1.id}`, { status: 'completed' });
    const detail = await a.get(`/api/tasks/${parent.id}`);
    expect(detail.body.subtaskCounts).toEqual({ total: 2, completed: 1 });
    expect(detail.body.subtasks.map((s: { id: string }) => s.id)).toEqual([s1.id, s2.id]);
    expect(detail.body.subtasks[1].subtaskCounts).toEqual({ total: 1, completed: 0 });

    const onlySubtasks = await a.get(`/api/tasks?parentTaskId=${parent.id}`);
    expect(titles(onlySubtasks)).toEqual(['Print handouts', 'Send invites']);
    const topLevel = await a.get('/api/tasks?topLevel=true');
    expect(titles(topLevel)).toEqual(['Plan workshop']);
    const nested = await a.get('/api/tasks?topLevel=false');
    expect(titles(nested).sort()).toEqual(['Draft invite text', 'Print handouts', 'Send invites']);

    expect((await a.delete(`/api/tasks/${parent.id}`)).status).toBe(204);
    for (const id of [s1.id, s2.id, grandchild.id]) expect((await a.get(`/api/tasks/${id}`)).status).toBe(404);
  });

  it('refuses cycles: a task under itself or under one of its own subtasks', async () => {
    const a = await signUp(t.app, 'tasks-cycle');
    const root = await post(a, '/api/tasks', { title: 'Root' });
    const child = await post(a, '/api/tasks', { title: 'Child', parentTaskId: root.id });
    const grandchild = await post(a, '/api/tasks', { title: 'Grandchild', parentTaskId: child.id });
    for (const parentTaskId of [root.id, child.id, grandchild.id]) {
      const res = await a.patch(`/api/tasks/${root.id}`, { parentTaskId });
      expect(res.status, res.text).toBe(422);
      expect(res.body.error.message).toMatch(/subtask of itself/);
    }
    // Re-parenting within the tree the other way round is fine, and moves it to the end of its new list.
    const other = await post(a, '/api/tasks', { title: 'Other' });
    const moved = await a.patch(`/api/tasks/${grandchild.id}`, { parentTaskId: other.id });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.parentTaskId).toBe(other.id);
    const toTop = await a.patch(`/api/tasks/${child.id}`, { parentTaskId: null });
    expect(toTop.body.parentTaskId).toBeNull();
    const top = await a.get('/api/tasks?topLevel=true');
    expect(titles(top)).toEqual(['Root', 'Other', 'Child']);
  });
});

describe('filters, sorts and pagination', () => {
  let a: Awaited<ReturnType<typeof signUp>>;
  let ids: Record<string, string>;
  let projectId: string;
  let contactId: string;

  beforeAll(async () => {
    a = await signUp(t.app, 'tasks-filter');
    projectId = (await post(a, '/api/projects', { name: 'Focus' })).id;
    contactId = (await post(a, '/api/contacts', { name: 'Ana' })).id;
    const specs = [
      { title: 't1', priority: 'low', dueAt: '2030-01-05T10:00:00Z', projectId },
      { title: 't2', priority: 'urgent', dueAt: '2030-01-01T10:00:00Z', status: 'in_progress', contactIds: [contactId] },
      { title: 't3', priority: 'medium', status: 'completed', projectId, contactIds: [contactId] },
      { title: 't4', priority: 'high', dueAt: '2030-01-03T10:00:00Z', status: 'waiting_approval' },
      { title: 't5', priority: 'urgent', dueAt: '2030-01-03T10:00:00Z', status: 'cancelled', projectId },
      { title: 't6', priority: 'medium' },
      { title: 't7', priority: 'high', dueAt: '2030-01-10T00:00:00Z', contactIds: [contactId] },
    ];
    ids = {};
    for (const spec of specs) ids[spec.title] = (await post(a, '/api/tasks', spec)).id;
  });

  it('filters by status, priority, project, contact and due window', async () => {
    const cases: [string, string[]][] = [
      ['status=pending', ['t1', 't6', 't7']],
      ['status=completed,cancelled', ['t3', 't5']],
      ['priority=urgent,high', ['t2', 't4', 't5', 't7']],
      [`projectId=${projectId}`, ['t1', 't3', 't5']],
      [`contactId=${contactId}`, ['t2', 't3', 't7']],
      ['dueFrom=2030-01-03T10:00:00Z&dueTo=2030-01-10T00:00:00Z', ['t1', 't4', 't5']],
      ['dueFrom=2030-01-04T00:00:00%2B01:00', ['t1', 't7']],
      [`status=pending&projectId=${projectId}`, ['t1']],
      [`projectId=${crypto.randomUUID()}`, []],
    ];
    for (const [query, expected] of cases) {
      const res = await a.get(`/api/tasks?${query}`);
      expect(res.status, `${query}: ${res.text}`).toBe(200);
      expect(titles(res), query).toEqual(expected);
    }
  });

  it('sorts by position, due date, creation and priority, and pages through every order', async () => {
    const expected: Record<string, string[]> = {
      '': ['t1', 't2', 't3', 't4', 't5', 't6', 't7'],
      'sort=position&order=desc': ['t7', 't6', 't5', 't4', 't3', 't2', 't1'],
      // Undated tasks last in both directions; equal keys tie-break by id.
      'sort=due': ['t2', ...[ids.t4, ids.t5].sort().map((id) => (id === ids.t4 ? 't4' : 't5')), 't1', 't7', ...undated('asc')],
      'sort=due&order=desc': [
        't7',
        't1',
        ...[ids.t4, ids.t5]
          .sort()
          .reverse()
          .map((id) => (id === ids.t4 ? 't4' : 't5')),
        't2',
        ...undated('desc'),
      ],
    };
    // Tasks made in the same millisecond tie on createdAt and then sort by id.
    const items = (await a.get('/api/tasks')).body.items as { title: string; id: string; createdAt: string }[];
    const byCreated = [...items].sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id)).map((x) => x.title);
    expected['sort=created&order=asc'] = byCreated;
    expected['sort=created'] = [...byCreated].reverse();
    function undated(order: 'asc' | 'desc') {
      const sorted = [ids.t3!, ids.t6!].sort();
      if (order === 'desc') sorted.reverse();
      return sorted.map((id) => (id === ids.t3 ? 't3' : 't6'));
    }
    for (const [query, order] of Object.entries(expected)) {
      const all = await a.get(`/api/tasks?${query}`);
      expect(titles(all), query).toEqual(order);
      for (const limit of [1, 2, 3]) expect(await walk(a, `/api/tasks?${query}`, limit), `${query} limit ${limit}`).toEqual(order);
    }
    const byPriority = titles(await a.get('/api/tasks?sort=priority'));
    const rank = { urgent: 0, high: 1, medium: 2, low: 3 } as Record<string, number>;
    const priorityOf = Object.fromEntries((await a.get('/api/tasks')).body.items.map((x: any) => [x.title, x.priority]));
    expect(byPriority.map((x) => rank[priorityOf[x]])).toEqual([0, 0, 1, 1, 2, 2, 3]);
    expect(await walk(a, '/api/tasks?sort=priority', 2)).toEqual(byPriority);
    expect(await walk(a, '/api/tasks?sort=priority&order=asc', 2)).toEqual([...byPriority].reverse());
    expect(await walk(a, `/api/tasks?status=pending,in_progress&sort=due`, 1)).toEqual(['t2', 't1', 't7', 't6']);
  });

  it('refuses a cursor made for another sort, and a forged one', async () => {
    const first = await a.get('/api/tasks?sort=due&limit=1');
    const reused = await a.get(`/api/tasks?sort=created&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(reused.status).toBe(400);
    expect(reused.body.error.message).toMatch(/different sort/);
    const forged = await a.get('/api/tasks?cursor=abc.def');
    expect(forged.status).toBe(400);
  });
});

describe('ownership', () => {
  it("answers 404 for another user's task and 422 naming another user's project, parent or contacts", async () => {
    const a = await signUp(t.app, 'tasks-own-a');
    const b = await signUp(t.app, 'tasks-own-b');
    const bProject = await post(b, '/api/projects', { name: 'B only' });
    const bContact = await post(b, '/api/contacts', { name: 'B contact' });
    const bTask = await post(b, '/api/tasks', { title: 'B task', projectId: bProject.id, contactIds: [bContact.id] });
    const aContact = await post(a, '/api/contacts', { name: 'A contact' });
    const aTask = await post(a, '/api/tasks', { title: 'A task' });

    expect((await a.get(`/api/tasks/${bTask.id}`)).status).toBe(404);
    expect((await a.get(`/api/tasks/${bTask.id}/activity`)).status).toBe(404);
    expect((await a.patch(`/api/tasks/${bTask.id}`, { title: 'mine now' })).status).toBe(404);
    expect((await a.post(`/api/tasks/${bTask.id}/move`, { beforeId: null })).status).toBe(404);
    expect((await a.delete(`/api/tasks/${bTask.id}`)).status).toBe(404);

    const refused = await a.post('/api/tasks', {
      title: 'Sneaky',
      projectId: bProject.id,
      parentTaskId: bTask.id,
      contactIds: [aContact.id, bContact.id],
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.unknownIds).toEqual({ projectId: bProject.id, parentTaskId: bTask.id, contactIds: [bContact.id] });
    expect(refused.body.error.message).toContain(bContact.id);

    const patch = await a.patch(`/api/tasks/${aTask.id}`, { contactIds: [bContact.id] });
    expect(patch.status).toBe(422);
    expect(patch.body.error.details.unknownIds).toEqual({ contactIds: [bContact.id] });
    const move = await a.post(`/api/tasks/${aTask.id}/move`, { beforeId: bTask.id });
    expect(move.status).toBe(422);

    // Filters naming B's ids find nothing; B's task is untouched.
    expect((await a.get(`/api/tasks?projectId=${bProject.id}`)).body.items).toEqual([]);
    expect((await a.get(`/api/tasks?contactId=${bContact.id}`)).body.items).toEqual([]);
    const bView = await b.get(`/api/tasks/${bTask.id}`);
    expect(bView.body).toMatchObject({ title: 'B task', contacts: [{ id: bContact.id }] });
  });
});

describe('validation', () => {
  it('answers 400 with a message naming the field', async () => {
    const a = await signUp(t.app, 'tasks-valid');
    const task = await post(a, '/api/tasks', { title: 'Valid' });
    const bad: [string, () => Promise<{ status: number; body: any }>, RegExp][] = [
      ['missing title', () => a.post('/api/tasks', { description: 'x' }), /title/],
      ['blank title', () => a.post('/api/tasks', { title: '   ' }), /title: is required/],
      ['bad status', () => a.post('/api/tasks', { title: 'x', status: 'done' }), /status/],
      ['bad date', () => a.post('/api/tasks', { title: 'x', dueAt: 'tomorrow' }), /dueAt: must be an ISO 8601/],
      ['negative minutes', () => a.post('/api/tasks', { title: 'x', estimatedMinutes: -5 }), /estimatedMinutes/],
      ['fractional minutes', () => a.post('/api/tasks', { title: 'x', actualMinutes: 1.5 }), /actualMinutes: must be a whole number/],
      ['unknown key', () => a.post('/api/tasks', { title: 'x', userId: crypto.randomUUID() }), /userId|Unrecognized/],
      ['bad contact id', () => a.post('/api/tasks', { title: 'x', contactIds: ['nope'] }), /contactIds/],
      ['bad patch', () => a.patch(`/api/tasks/${task.id}`, { priority: 'whenever' }), /priority/],
      ['bad id', () => a.get('/api/tasks/not-a-uuid'), /params.id: must be a task id/],
      ['bad list status', () => a.get('/api/tasks?status=pending,later'), /status/],
      ['both parent filters', () => a.get(`/api/tasks?topLevel=true&parentTaskId=${task.id}`), /either parentTaskId or topLevel/],
      ['reversed due window', () => a.get('/api/tasks?dueFrom=2030-02-01T00:00:00Z&dueTo=2030-01-01T00:00:00Z'), /dueTo/],
      ['limit too high', () => a.get('/api/tasks?limit=500'), /limit: must be at most 200/],
      ['bad sort', () => a.get('/api/tasks?sort=title'), /sort/],
      ['empty move', () => a.post(`/api/tasks/${task.id}/move`, {}), /beforeId/],
      ['move both null', () => a.post(`/api/tasks/${task.id}/move`, { beforeId: null, afterId: null }), /both be null/],
      ['bad analytics project', () => a.get('/api/tasks/analytics?projectId=x'), /projectId/],
    ];
    for (const [name, send, message] of bad) {
      const res = await send();
      expect(res.status, name).toBe(400);
      expect(res.body.error.code, name).toBe('validation_failed');
      expect(res.body.error.message, name).toMatch(message);
    }
  });
});
