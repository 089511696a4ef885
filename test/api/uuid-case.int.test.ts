import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { ROUTE_CASES, createFixtures, type ForeignIds } from '../support/route-cases.js';

/**
 * Ids are UUIDs in any letter case: every route of the route table that names one of the caller's
 * own records in its path answers as it does with the lower-case id, and ids in bodies and query
 * strings work in upper case too (comparisons with stored ids included).
 */

let t: TestApp;
let a: TestClient;
let own: ForeignIds;
const UP = (id: string) => id.toUpperCase();

beforeAll(async () => {
  t = await createTestApp();
  a = await signUp(t.app, 'upper');
  own = await createFixtures(a);
});
afterAll(() => t.close());

describe('upper-case ids', () => {
  it('work in the path of every route that reads or changes one record, without deleting', async () => {
    const wrong: string[] = [];
    // Restoring needs a deleted record: the deleting test below covers it.
    const routes = t.app.routeTable.filter(
      (r) => r.url.includes(':') && r.method !== 'DELETE' && !r.url.endsWith('/merge') && !r.url.endsWith('/restore'),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const rc = ROUTE_CASES[`${route.method} ${route.url}`];
      // Uploads are multipart, covered by their own tests.
      if (!rc || rc.isPublic || !rc.params || (/\/(photos|evidence)$/.test(route.url) && route.method === 'POST')) continue;
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) => rc.literalParams?.[name] ?? UP(own[rc.params![name]!]));
      const res = await a.request(route.method as 'GET', url, rc.body?.(own, own));
      // 409/422: the record was found and its state refused the action (a suggestion already applied…).
      if (res.status >= 300 && res.status !== 409 && res.status !== 422)
        wrong.push(`${route.method} ${url}: ${res.status} ${res.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('work in bodies and query strings, and compare equal to the stored ids', async () => {
    const task = await a.post('/api/tasks', {
      title: 'Upper',
      projectId: UP(own.project),
      parentTaskId: UP(own.task),
      contactIds: [UP(own.contact)],
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ projectId: own.project, parentTaskId: own.task, contacts: [{ id: own.contact }] });
    const listed = await a.get(`/api/tasks?projectId=${UP(own.project)}&contactId=${UP(own.contact)}&parentTaskId=${UP(own.task)}`);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toEqual([task.body.id]);

    expect((await a.post('/api/goals', { contactId: UP(own.contact), title: 'Upper goal' })).status).toBe(201);
    expect((await a.post('/api/interactions', { contactId: UP(own.contact), type: 'note' })).status).toBe(201);
    const byTag = await a.get(`/api/contacts?tags=${UP(own.tag)}`);
    expect(byTag.body.items.map((c: { id: string }) => c.id)).toEqual([own.contact]);

    const bulk = await a.post('/api/contacts/bulk', { action: 'tag', ids: [UP(own.contact)], tagIds: [UP(own.tag)] });
    expect(bulk.body).toMatchObject({ affected: [own.contact], notFound: [] });
    const self = await a.post(`/api/tags/${UP(own.tag)}/merge`, { intoTagId: own.tag });
    expect(self.status).toBe(422);
    const other = await a.post('/api/tags', { name: 'Upper target' });
    expect((await a.post(`/api/tags/${UP(own.tag)}/merge`, { intoTagId: UP(other.body.id) })).status).toBe(200);
  });

  it('work when deleting', async () => {
    const wrong: string[] = [];
    for (const [url, kind] of [
      ['/api/photos/', 'photo'],
      ['/api/interactions/', 'interaction'],
      ['/api/goals/', 'goal'],
      ['/api/tasks/', 'task'],
      ['/api/projects/', 'project'],
      ['/api/contacts/', 'contact'],
    ] as const) {
      const res = await a.delete(`${url}${UP(own[kind])}`);
      if (res.status !== 204) wrong.push(`${url}: ${res.status}`);
      if (kind === 'project' || kind === 'contact') continue;
      // Soft-deleted kinds come back through their restore route, in upper case too.
      const restored = await a.post(`${url}${UP(own[kind])}/restore`, {});
      if (restored.status !== 200) wrong.push(`${url}restore: ${restored.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
