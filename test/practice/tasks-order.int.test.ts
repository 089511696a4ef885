import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Task = { id: string; title: string; position: number };

async function makeTasks(client: TestClient, names: string[], extra: Record<string, unknown> = {}) {
  const byName: Record<string, string> = {};
  for (const title of names) {
    const res = await client.post('/api/tasks', { title, ...extra });
    expect(res.status, res.text).toBe(201);
    byName[title] = res.body.id;
  }
  return byName;
}

async function order(client: TestClient, query = 'topLevel=true') {
  const res = await client.get(`/api/tasks?${query}&sort=position&limit=200`);
  expect(res.status, res.text).toBe(200);
  return res.body.items as Task[];
}
const titlesOf = (tasks: Task[]) => tasks.map((x) => x.title);

async function move(client: TestClient, id: string, body: Record<string, string | null>) {
  const res = await client.post(`/api/tasks/${id}/move`, body);
  expect(res.status, res.text).toBe(200);
  return res.body as Task;
}

it('keeps the order the user made through a series of moves, writing only the moved row', async () => {
  const a = await signUp(t.app, 'order-moves');
  const id = await makeTasks(a, ['A', 'B', 'C', 'D', 'E']);
  expect(titlesOf(await order(a))).toEqual(['A', 'B', 'C', 'D', 'E']);

  const steps: [string, Record<string, string | null>, string[]][] = [
    ['E', { beforeId: id.A! }, ['E', 'A', 'B', 'C', 'D']],
    ['B', { afterId: id.D! }, ['E', 'A', 'C', 'D', 'B']],
    ['C', { beforeId: null }, ['E', 'A', 'D', 'B', 'C']],
    ['A', { afterId: null }, ['A', 'E', 'D', 'B', 'C']],
    ['D', { afterId: id.A!, beforeId: id.E! }, ['A', 'D', 'E', 'B', 'C']],
    ['C', { afterId: id.E! }, ['A', 'D', 'E', 'C', 'B']],
    ['A', { beforeId: id.B! }, ['D', 'E', 'C', 'A', 'B']],
  ];
  for (const [title, body, expected] of steps) {
    const before = await order(a);
    const moved = await move(a, id[title]!, body);
    const after = await order(a);
    expect(titlesOf(after), `move ${title} ${JSON.stringify(body)}`).toEqual(expected);
    // Only the moved task's position changed.
    const positionsOf = (list: Task[]) => Object.fromEntries(list.filter((x) => x.title !== title).map((x) => [x.title, x.position]));
    expect(positionsOf(after)).toEqual(positionsOf(before));
    expect(moved.position).toBe(after.find((x) => x.title === title)!.position);
  }
  // The order survives paging by position.
  const firstPage = await a.get('/api/tasks?topLevel=true&limit=2');
  const secondPage = await a.get(`/api/tasks?topLevel=true&limit=3&cursor=${encodeURIComponent(firstPage.body.nextCursor)}`);
  expect([...titlesOf(firstPage.body.items), ...titlesOf(secondPage.body.items)]).toEqual(['D', 'E', 'C', 'A', 'B']);
});

it('rebalances a list when repeated moves exhaust the gap, keeping the order', async () => {
  const a = await signUp(t.app, 'order-rebalance');
  const id = await makeTasks(a, ['first', 'x', 'y', 'last']);
  // Moving the third task right after the first, over and over, halves the same gap each time.
  let expected = ['first', 'x', 'y', 'last'];
  for (let i = 0; i < 45; i++) {
    const third = expected[2]!;
    await move(a, id[third]!, { afterId: id.first! });
    expected = ['first', third, expected[1]!, 'last'];
  }
  const list = await order(a);
  expect(titlesOf(list)).toEqual(expected);
  const positions = list.map((x) => x.position);
  expect(new Set(positions).size).toBe(positions.length);
  // After a rebalance the gaps are wide again (1024 apart), not the ~1e-10 that 45 halvings would leave.
  const gaps = positions.slice(1).map((p, i) => p - positions[i]!);
  expect(Math.min(...gaps)).toBeGreaterThan(1e-3);
});

it('orders subtasks within their parent, independently of the top-level list', async () => {
  const a = await signUp(t.app, 'order-sub');
  const parent = (await a.post('/api/tasks', { title: 'Parent' })).body;
  const other = (await a.post('/api/tasks', { title: 'Other' })).body;
  const sub = await makeTasks(a, ['s1', 's2', 's3'], { parentTaskId: parent.id });
  await move(a, sub.s3!, { beforeId: sub.s1! });
  await move(a, sub.s1!, { beforeId: null });
  expect(titlesOf(await order(a, `parentTaskId=${parent.id}`))).toEqual(['s3', 's2', 's1']);
  const detail = await a.get(`/api/tasks/${parent.id}`);
  expect(detail.body.subtasks.map((x: Task) => x.title)).toEqual(['s3', 's2', 's1']);
  expect(titlesOf(await order(a))).toEqual(['Parent', 'Other']);

  // Anchors must be in the same list, and not the task itself, and in order.
  const cases: [string, Record<string, string | null>, RegExp][] = [
    [sub.s1!, { beforeId: other.id }, /same list/],
    [sub.s1!, { afterId: sub.s1! }, /itself/],
    [sub.s2!, { afterId: sub.s1!, beforeId: sub.s3! }, /afterId must come before beforeId/],
    [sub.s2!, { beforeId: '00000000-0000-4000-8000-000000000000' }, /do not exist/],
  ];
  for (const [taskId, body, message] of cases) {
    const res = await a.post(`/api/tasks/${taskId}/move`, body);
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.message).toMatch(message);
  }
});

it('places a task relative to its neighbours in a filtered view too', async () => {
  const a = await signUp(t.app, 'order-view');
  const project = (await a.post('/api/projects', { name: 'View' })).body;
  const inProject = await makeTasks(a, ['p1', 'p2', 'p3'], { projectId: project.id });
  await makeTasks(a, ['loose']);
  await move(a, inProject.p3!, { beforeId: inProject.p1! });
  expect(titlesOf(await order(a, `projectId=${project.id}`))).toEqual(['p3', 'p1', 'p2']);
  expect(titlesOf(await order(a))).toEqual(['p3', 'p1', 'p2', 'loose']);
});
