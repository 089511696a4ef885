import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

// A pinned clock the tests move by hand: activity times, completion times and "now" in analytics.
let now = new Date('2026-03-10T12:00:00.000Z');
const setClock = (iso: string) => {
  now = new Date(iso);
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => new Date(now) });
});
afterAll(() => t.close());

async function post(client: TestClient, url: string, body: unknown) {
  const res = await client.post(url, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function patch(client: TestClient, url: string, body: unknown) {
  const res = await client.patch(url, body);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('activity log', () => {
  it('records every change with its fields, newest first, and pages through it', async () => {
    setClock('2026-03-10T12:00:00.000Z');
    const a = await signUp(t.app, 'activity');
    const contact = await post(a, '/api/contacts', { name: 'Lea' });
    const task = await post(a, '/api/tasks', { title: 'Write newsletter', priority: 'high' });
    const neighbour = await post(a, '/api/tasks', { title: 'Neighbour' });
    await patch(a, `/api/tasks/${task.id}`, { title: 'Write March newsletter', priority: 'high', dueAt: '2026-03-12T09:00:00Z' });
    // A patch that changes nothing writes nothing.
    await patch(a, `/api/tasks/${task.id}`, { title: 'Write March newsletter' });
    setClock('2026-03-10T13:00:00.000Z');
    await patch(a, `/api/tasks/${task.id}`, { status: 'completed' });
    await patch(a, `/api/tasks/${task.id}`, { status: 'pending' });
    const moved = await a.post(`/api/tasks/${task.id}/move`, { afterId: neighbour.id });
    expect(moved.status).toBe(200);
    await patch(a, `/api/tasks/${task.id}`, { contactIds: [contact.id] });
    const sub = await post(a, '/api/tasks', { title: 'Pick photos', parentTaskId: task.id });
    expect((await a.delete(`/api/tasks/${sub.id}`)).status).toBe(204);

    const res = await a.get(`/api/tasks/${task.id}/activity`);
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-db-statements']).toBe('1');
    const items = res.body.items as { id: string; action: string; actor: string; changes: Record<string, unknown>; createdAt: string }[];
    expect(items.map((x) => x.action)).toEqual([
      'subtask_deleted',
      'subtask_added',
      'updated',
      'moved',
      'reopened',
      'completed',
      'updated',
      'created',
    ]);
    expect(items.every((x) => x.actor === 'user')).toBe(true);
    const [deleted, added, contacts, move, reopened, completed, updated, created] = items;
    expect(created!.changes).toEqual({
      title: { from: null, to: 'Write newsletter' },
      status: { from: null, to: 'pending' },
      priority: { from: null, to: 'high' },
      owner: { from: null, to: 'user' },
    });
    expect(created!.createdAt).toBe('2026-03-10T12:00:00.000Z');
    expect(updated!.changes).toEqual({
      title: { from: 'Write newsletter', to: 'Write March newsletter' },
      dueAt: { from: null, to: '2026-03-12T09:00:00.000Z' },
    });
    expect(completed!.changes).toEqual({
      status: { from: 'pending', to: 'completed' },
      completedAt: { from: null, to: '2026-03-10T13:00:00.000Z' },
    });
    expect(reopened!.changes).toEqual({
      status: { from: 'completed', to: 'pending' },
      completedAt: { from: '2026-03-10T13:00:00.000Z', to: null },
    });
    expect(move!.changes).toEqual({ position: { from: 1024, to: moved.body.position } });
    expect(moved.body.position).toBeGreaterThan(2048);
    expect(contacts!.changes).toEqual({ contactIds: { from: [], to: [contact.id] } });
    expect(added!.changes).toEqual({ subtask: { from: null, to: { id: sub.id, title: 'Pick photos' } } });
    expect(deleted!.changes).toEqual({ subtask: { from: { id: sub.id, title: 'Pick photos' }, to: null } });
    // Under a pinned clock entries still come out strictly newest first.
    const times = items.map((x) => Date.parse(x.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(new Set(times).size).toBe(times.length);

    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await a.get(
        `/api/tasks/${task.id}/activity?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      walked.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(items.map((x) => x.id));

    const subActivity = await a.get(`/api/tasks/${neighbour.id}/activity`);
    expect(subActivity.body.items.map((x: { action: string }) => x.action)).toEqual(['created']);
  });
});

describe('analytics', () => {
  it('matches hand-computed figures with a pinned clock, in the user time zone', async () => {
    const a = await signUp(t.app, 'analytics');
    const empty = await a.get('/api/tasks/analytics');
    expect(empty.body).toEqual({
      byStatus: { pending: 0, in_progress: 0, waiting_approval: 0, completed: 0, cancelled: 0 },
      total: 0,
      overdue: 0,
      dueToday: 0,
      completionRate: null,
      meanMinutesToComplete: null,
    });

    expect((await a.patch('/api/auth/me', { timezone: 'America/New_York' })).status).toBe(200);
    const project = await post(a, '/api/projects', { name: 'Launch' });
    setClock('2026-03-10T12:00:00.000Z');
    // "Now" will be 2026-03-10T15:00Z = 11:00 in New York (EDT since 8 March), so New York's
    // today is [04:00Z on the 10th, 04:00Z on the 11th) while UTC's is [00:00Z, 24:00Z) on the 10th.
    const specs = [
      { title: 'A', status: 'pending', dueAt: '2026-03-10T03:00:00Z', projectId: project.id }, // overdue; NY yesterday, UTC today
      { title: 'B', status: 'in_progress', dueAt: '2026-03-10T14:00:00Z', projectId: project.id }, // overdue; today in both
      { title: 'C', status: 'waiting_approval', dueAt: '2026-03-11T03:30:00Z' }, // today in NY only, not yet due
      { title: 'D', status: 'pending', dueAt: '2026-03-11T04:30:00Z' }, // tomorrow in both
      { title: 'E', status: 'pending', dueAt: '2026-03-09T10:00:00Z', projectId: project.id }, // will be completed
      { title: 'F', status: 'pending', projectId: project.id }, // will be completed
      { title: 'G', status: 'cancelled', dueAt: '2026-03-01T00:00:00Z' }, // past due but cancelled
      { title: 'H', status: 'pending' },
      { title: 'I', status: 'pending', dueAt: '2026-03-10T02:00:00Z' }, // overdue; NY yesterday, UTC today
    ];
    const ids: Record<string, string> = {};
    for (const spec of specs) ids[spec.title] = (await post(a, '/api/tasks', spec)).id;
    setClock('2026-03-10T12:30:00.000Z');
    await patch(a, `/api/tasks/${ids.F}`, { status: 'completed' }); // 30 minutes after creation
    setClock('2026-03-10T13:30:00.000Z');
    await patch(a, `/api/tasks/${ids.E}`, { status: 'completed' }); // 90 minutes after creation
    setClock('2026-03-10T15:00:00.000Z');

    const res = await a.get('/api/tasks/analytics');
    expect(res.status, res.text).toBe(200);
    expect(res.headers['x-db-statements']).toBe('1');
    expect(res.body).toEqual({
      byStatus: { pending: 4, in_progress: 1, waiting_approval: 1, completed: 2, cancelled: 1 },
      total: 9,
      overdue: 3, // A, B, I
      dueToday: 2, // B, C (open tasks due in New York's today)
      completionRate: 2 / 8,
      meanMinutesToComplete: 60,
    });

    const inProject = await a.get(`/api/tasks/analytics?projectId=${project.id}`);
    expect(inProject.body).toEqual({
      byStatus: { pending: 1, in_progress: 1, waiting_approval: 0, completed: 2, cancelled: 0 },
      total: 4,
      overdue: 2, // A, B
      dueToday: 1, // B
      completionRate: 2 / 4,
      meanMinutesToComplete: 60,
    });

    expect((await a.patch('/api/auth/me', { timezone: 'UTC' })).status).toBe(200);
    const utc = await a.get('/api/tasks/analytics');
    expect(utc.body.dueToday).toBe(3); // A, B, I
    expect(utc.body.overdue).toBe(3);

    // Later that day C becomes overdue too.
    setClock('2026-03-11T03:45:00.000Z');
    expect((await a.get('/api/tasks/analytics')).body.overdue).toBe(4);
  });
});
