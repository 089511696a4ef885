import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { created } from '../support/pages.js';
import { signUp } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = created;
const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((x) => x.name);

describe('projects', () => {
  it('creates, renames, recolours, archives and deletes a project', async () => {
    const a = await signUp(t.app, 'projects-crud');
    const created = await post(a, '/api/projects', { name: '  Spring retreat ' });
    expect(created).toEqual({
      version: 1,
      id: expect.any(String),
      name: 'Spring retreat',
      color: '#0d9488',
      isArchived: false,
      taskCounts: { total: 0, open: 0, completed: 0 },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.any(String),
    });
    const read = await a.get(`/api/projects/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.headers['x-db-statements']).toBe('1');
    expect(read.body).toEqual(created);

    const renamed = await a.patch(`/api/projects/${created.id}`, { name: 'Autumn retreat', color: '#112233' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Autumn retreat', color: '#112233', isArchived: false });
    const archived = await a.patch(`/api/projects/${created.id}`, { isArchived: true });
    expect(archived.body.isArchived).toBe(true);

    expect((await a.delete(`/api/projects/${created.id}`)).status).toBe(204);
    expect((await a.get(`/api/projects/${created.id}`)).status).toBe(404);
    expect((await a.delete(`/api/projects/${created.id}`)).status).toBe(404);
  });

  it('counts its tasks, previews a delete and cascades it to the tasks and their subtasks', async () => {
    const a = await signUp(t.app, 'projects-tasks');
    const project = await post(a, '/api/projects', { name: 'Course' });
    const keep = await post(a, '/api/projects', { name: 'Keep' });
    const t1 = await post(a, '/api/tasks', { title: 'Outline', projectId: project.id });
    await post(a, '/api/tasks', { title: 'Record', projectId: project.id, status: 'in_progress' });
    await post(a, '/api/tasks', { title: 'Publish', projectId: project.id, status: 'completed' });
    await post(a, '/api/tasks', { title: 'Old idea', projectId: project.id, status: 'cancelled' });
    // A subtask filed under another project still goes when its parent does.
    const sub = await post(a, '/api/tasks', { title: 'Lesson 1', parentTaskId: t1.id, projectId: keep.id });
    const unrelated = await post(a, '/api/tasks', { title: 'Unrelated', projectId: keep.id });

    const counted = await a.get(`/api/projects/${project.id}`);
    expect(counted.body.taskCounts).toEqual({ total: 4, open: 2, completed: 1 });
    const preview = await a.get(`/api/projects/${project.id}/delete-preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ tasks: 5 });

    expect((await a.delete(`/api/projects/${project.id}`)).status).toBe(204);
    expect((await a.get(`/api/tasks/${t1.id}`)).status).toBe(404);
    expect((await a.get(`/api/tasks/${sub.id}`)).status).toBe(404);
    expect((await a.get(`/api/tasks/${unrelated.id}`)).status).toBe(200);
    expect((await a.get(`/api/projects/${keep.id}`)).body.taskCounts).toEqual({ total: 1, open: 1, completed: 0 });
  });

  it('lists by name with an archived filter and pages through in one statement per page', async () => {
    const a = await signUp(t.app, 'projects-list');
    const all = ['alpha', 'Beta', 'delta', 'Gamma', 'epsilon', 'Zeta'];
    const ids: Record<string, string> = {};
    for (const name of ['Zeta', 'alpha', 'Gamma', 'delta', 'Beta', 'epsilon']) ids[name] = (await post(a, '/api/projects', { name })).id;
    await a.patch(`/api/projects/${ids.delta}`, { isArchived: true });
    await a.patch(`/api/projects/${ids.Zeta}`, { isArchived: true });

    const list = await a.get('/api/projects');
    expect(list.headers['x-db-statements']).toBe('1');
    expect(names(list)).toEqual(['alpha', 'Beta', 'delta', 'epsilon', 'Gamma', 'Zeta']);
    expect(names(await a.get('/api/projects?archived=false'))).toEqual(['alpha', 'Beta', 'epsilon', 'Gamma']);
    expect(names(await a.get('/api/projects?archived=true'))).toEqual(['delta', 'Zeta']);

    for (const limit of [1, 2, 4]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; headers: Record<string, unknown>; body: any } = await a.get(
          `/api/projects?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.headers['x-db-statements']).toBe('1');
        seen.push(...res.body.items.map((x: { name: string }) => x.name));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())));
    }
    expect((await a.get('/api/projects?cursor=nope')).status).toBe(400);
  });

  it("answers 404 for another user's project and never lists it", async () => {
    const a = await signUp(t.app, 'projects-a');
    const b = await signUp(t.app, 'projects-b');
    const bProject = await post(b, '/api/projects', { name: 'Private' });
    await post(b, '/api/tasks', { title: 'B task', projectId: bProject.id });
    expect((await a.get(`/api/projects/${bProject.id}`)).status).toBe(404);
    expect((await a.get(`/api/projects/${bProject.id}/delete-preview`)).status).toBe(404);
    expect((await a.patch(`/api/projects/${bProject.id}`, { name: 'Mine' })).status).toBe(404);
    expect((await a.delete(`/api/projects/${bProject.id}`)).status).toBe(404);
    expect((await a.get('/api/projects')).body.items).toEqual([]);
    expect((await a.get(`/api/tasks/analytics?projectId=${bProject.id}`)).body.total).toBe(0);
    expect((await b.get(`/api/projects/${bProject.id}`)).body).toMatchObject({ name: 'Private', taskCounts: { total: 1 } });
  });

  it('validates input with messages a person can act on', async () => {
    const a = await signUp(t.app, 'projects-valid');
    const project = await post(a, '/api/projects', { name: 'Valid' });
    const bad: [() => Promise<{ status: number; body: any }>, RegExp][] = [
      [() => a.post('/api/projects', {}), /name/],
      [() => a.post('/api/projects', { name: ' ' }), /name: is required/],
      [() => a.post('/api/projects', { name: 'x', color: 'teal' }), /color: must be a colour like #0d9488/],
      [() => a.post('/api/projects', { name: 'x'.repeat(201) }), /name/],
      [() => a.post('/api/projects', { name: 'x', isArchived: true }), /isArchived|Unrecognized/],
      [() => a.patch(`/api/projects/${project.id}`, { isArchived: 'yes' }), /isArchived/],
      [() => a.get('/api/projects?archived=maybe'), /archived: must be true or false/],
      [() => a.get('/api/projects/123'), /must be a project id/],
      [() => a.get(`/api/projects?limit=0`), /limit/],
    ];
    for (const [send, message] of bad) {
      const res = await send();
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    expect((await a.get(`/api/projects/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
