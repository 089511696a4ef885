import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { statementsOf, walkPages } from '../support/pages.js';
import { signUp, type TestClient } from '../support/client.js';

const T0 = new Date('2030-06-03T08:00:00.000Z');
let now = T0;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

async function contact(client: TestClient, name: string): Promise<string> {
  const res = await client.post('/api/contacts', { name });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
async function goal(client: TestClient, body: Record<string, unknown>) {
  const res = await client.post('/api/goals', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const statements = statementsOf;

const walk = (client: TestClient, url: string, limit: number) => walkPages<{ id: string; title: string }>(client, url, limit);

describe('goals', () => {
  it('creates a goal with the documented shape, defaults and progress', async () => {
    const a = await signUp(t.app, 'goals-shape');
    const id = await contact(a, 'Lena');
    const created = await goal(a, {
      contactId: id,
      title: '  Run 10 km  ',
      description: 'Build up slowly',
      targetValue: 10,
      currentValue: 2.5,
      unit: 'km',
      deadline: '2030-09-30',
    });
    expect(created).toEqual({
      version: 1,
      id: expect.any(String),
      contactId: id,
      title: 'Run 10 km',
      description: 'Build up slowly',
      targetValue: 10,
      currentValue: 2.5,
      unit: 'km',
      status: 'active',
      deadline: '2030-09-30',
      completedAt: null,
      progress: 0.25,
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      contact: { id, name: 'Lena' },
    });
    const open = await goal(a, { contactId: id, title: 'Feel calmer' });
    expect(open).toMatchObject({ targetValue: null, currentValue: 0, unit: '', deadline: null, progress: null, description: '' });
    const over = await goal(a, { contactId: id, title: 'Overachiever', targetValue: 4, currentValue: 9 });
    expect(over.progress).toBe(1);
    const done = await goal(a, { contactId: id, title: 'Already done', status: 'completed' });
    expect(done.completedAt).toBe(T0.toISOString());
    expect((await a.get(`/api/contacts/${id}`)).body.counts.goals).toBe(4);
  });

  it('updates progress, and stamps or clears completedAt as the status enters or leaves completed', async () => {
    const a = await signUp(t.app, 'goals-status');
    const g = await goal(a, { contactId: await contact(a, 'Omar'), title: 'Meditate 30 days', targetValue: 30, unit: 'days' });
    now = new Date('2030-06-10T08:00:00.000Z');
    const progressed = await a.patch(`/api/goals/${g.id}`, { currentValue: 12 });
    expect(progressed.status, progressed.text).toBe(200);
    expect(progressed.body).toMatchObject({ currentValue: 12, progress: 0.4, completedAt: null, updatedAt: now.toISOString() });

    const completedAt = new Date('2030-06-20T08:00:00.000Z');
    now = completedAt;
    const completed = await a.patch(`/api/goals/${g.id}`, { currentValue: 30, status: 'completed' });
    expect(completed.body).toMatchObject({ status: 'completed', completedAt: completedAt.toISOString(), progress: 1 });

    now = new Date('2030-06-25T08:00:00.000Z');
    const again = await a.patch(`/api/goals/${g.id}`, { status: 'completed', title: 'Meditate 30 days in a row' });
    expect(again.body.completedAt).toBe(completedAt.toISOString());
    const paused = await a.patch(`/api/goals/${g.id}`, { status: 'paused' });
    expect(paused.body).toMatchObject({ status: 'paused', completedAt: null });
    const cleared = await a.patch(`/api/goals/${g.id}`, { targetValue: null, deadline: null });
    expect(cleared.body).toMatchObject({ targetValue: null, progress: null });
    now = T0;
  });

  it('lists across contacts and per contact, newest first, with status filter and pagination', async () => {
    const a = await signUp(t.app, 'goals-list');
    const x = await contact(a, 'Xu');
    const y = await contact(a, 'Yves');
    for (let i = 0; i < 5; i++) {
      now = new Date(T0.getTime() + i * 60_000);
      await goal(a, { contactId: i % 2 ? y : x, title: `Goal ${i}`, status: i === 3 ? 'completed' : 'active' });
    }
    // Two at the same instant check the id tie-break.
    await goal(a, { contactId: x, title: 'Goal 5' });
    now = T0;
    const all = await walk(a, '/api/goals', 2);
    expect(all).toHaveLength(6);
    expect(new Set(all.map((g) => g.id)).size).toBe(6);
    expect(all.slice(2).map((g) => g.title)).toEqual(['Goal 3', 'Goal 2', 'Goal 1', 'Goal 0']);
    expect(
      all
        .slice(0, 2)
        .map((g) => g.title)
        .sort(),
    ).toEqual(['Goal 4', 'Goal 5']);

    const completed = await walk(a, '/api/goals?status=completed', 1);
    expect(completed.map((g) => g.title)).toEqual(['Goal 3']);
    const ofY = await walk(a, `/api/contacts/${y}/goals`, 1);
    expect(ofY.map((g) => g.title)).toEqual(['Goal 3', 'Goal 1']);
    const ofXActive = await walk(a, `/api/contacts/${x}/goals?status=active`, 10);
    expect(ofXActive.map((g) => g.title).sort()).toEqual(['Goal 0', 'Goal 2', 'Goal 4', 'Goal 5']);
    const quiet = await a.get(`/api/contacts/${await contact(a, 'Quiet')}/goals`);
    expect(quiet.body).toEqual({ items: [], nextCursor: null });
    expect(statements(quiet)).toBe(1);
  });

  it("answers 404 for another user's goals and contacts, and deletes", async () => {
    const a = await signUp(t.app, 'goals-iso-a');
    const b = await signUp(t.app, 'goals-iso-b');
    const aContact = await contact(a, 'Private');
    const g = await goal(a, { contactId: aContact, title: 'Private goal' });
    expect((await b.get(`/api/contacts/${aContact}/goals`)).status).toBe(404);
    expect((await b.post('/api/goals', { contactId: aContact, title: 'Sneaky' })).status).toBe(404);
    expect((await b.patch(`/api/goals/${g.id}`, { status: 'completed' })).status).toBe(404);
    expect((await b.delete(`/api/goals/${g.id}`)).status).toBe(404);
    expect((await b.get('/api/goals')).body.items).toEqual([]);
    expect((await a.get(`/api/contacts/${aContact}/goals`)).body.items[0]).toMatchObject({ status: 'active', title: 'Private goal' });
    expect((await a.delete(`/api/goals/${g.id}`)).status).toBe(204);
    expect((await a.delete(`/api/goals/${g.id}`)).status).toBe(404);
    expect((await a.patch(`/api/goals/${crypto.randomUUID()}`, { title: 'x' })).body.error.message).toBe('Goal not found');
  });

  it('refuses invalid input with messages naming the field', async () => {
    const a = await signUp(t.app, 'goals-valid');
    const id = await contact(a, 'Val');
    const cases: [Record<string, unknown>, string][] = [
      [{ contactId: id }, 'body.title'],
      [{ contactId: id, title: '   ' }, 'body.title'],
      [{ contactId: id, title: 'x', targetValue: 0 }, 'body.targetValue'],
      [{ contactId: id, title: 'x', currentValue: -1 }, 'body.currentValue'],
      [{ contactId: id, title: 'x', currentValue: 1.5e-323 }, 'body.currentValue'],
      [{ contactId: id, title: 'x', targetValue: 2.0000001 }, 'body.targetValue'],
      [{ contactId: id, title: 'x', status: 'done' }, 'body.status'],
      [{ contactId: id, title: 'x', deadline: '30/09/2030' }, 'body.deadline'],
      [{ contactId: id, title: 'x', deadline: '0000-09-30' }, 'body.deadline'],
      [{ contactId: id, title: 'x', completedAt: '2030-01-01T00:00:00Z' }, 'completedAt'],
    ];
    for (const [body, field] of cases) {
      const res = await a.post('/api/goals', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toContain(field);
    }
    const g = await goal(a, { contactId: id, title: 'Fine' });
    expect((await a.patch(`/api/goals/${g.id}`, { contactId: crypto.randomUUID() })).status).toBe(400);
    expect((await a.get('/api/goals?status=someday')).status).toBe(400);
  });
});
