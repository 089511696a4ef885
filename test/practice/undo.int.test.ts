import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/server/platform/limits.js';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { postFile } from '../support/route-cases.js';

/** Deletes are soft: gone from every read at once, restorable (Undo), purged after the window. */
const NOW = new Date('2030-04-10T12:00:00.000Z');
let now = NOW;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

async function created(client: TestClient, url: string, body: Record<string, unknown>) {
  const res = await client.post(url, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const dayCounts = async (userId: string) =>
  queryRows<{ n: number }>(t.database.db, sql`select coalesce(sum(n), 0)::int as n from interaction_day_counts where user_id = ${userId}`);
const rowsOf = async (table: string, id: string) =>
  (await queryRows(t.database.db, sql`select 1 from ${sql.identifier(table)} where id = ${id}`)).length;
const purgeLater = async () => {
  now = new Date(NOW.getTime() + (LIMITS.trash.purgeAfterMinutes + 1) * 60_000);
  const purged = await t.app.services.trash.purgeExpired();
  now = NOW;
  return purged;
};

describe('undo of deletes', () => {
  it('a deleted timeline entry leaves every read, count, day count and last contact, and comes back on restore', async () => {
    now = NOW;
    const a = await signUp(t.app, 'undo-ix');
    const c = await created(a, '/api/contacts', { name: 'Ines Undo' });
    const older = await created(a, '/api/interactions', { contactId: c.id, type: 'call', occurredAt: '2030-04-01T10:00:00Z' });
    const entry = await created(a, '/api/interactions', { contactId: c.id, type: 'meeting', occurredAt: '2030-04-09T10:00:00Z' });
    const contact = async () => (await a.get(`/api/contacts/${c.id}`)).body;
    expect((await contact()).counts.interactions).toBe(2);
    const before = (await a.get('/api/dashboard/stats')).body.sessionsThisWeek;

    expect((await a.delete(`/api/interactions/${entry.id}`)).status).toBe(204);
    expect((await a.get(`/api/contacts/${c.id}/interactions`)).body.items.map((i: { id: string }) => i.id)).toEqual([older.id]);
    expect((await a.get('/api/interactions')).body.items.map((i: { id: string }) => i.id)).toEqual([older.id]);
    expect(await contact()).toMatchObject({ counts: { interactions: 1 }, lastContactAt: '2030-04-01T10:00:00.000Z' });
    expect((await dayCounts(a.userId))[0]!.n).toBe(1);
    expect((await a.get('/api/dashboard/stats')).body.sessionsThisWeek).toBe(before - 1);
    expect((await a.patch(`/api/interactions/${entry.id}`, { subject: 'edit a deleted one' })).status).toBe(404);
    // A new time zone rebuilds the counts, still without the deleted entry.
    expect((await a.patch('/api/auth/me', { timezone: 'Pacific/Auckland' })).status).toBe(200);
    expect((await dayCounts(a.userId))[0]!.n).toBe(1);
    expect((await a.delete(`/api/interactions/${entry.id}`)).status).toBe(404);

    const restored = await a.post(`/api/interactions/${entry.id}/restore`);
    expect(restored.status, restored.text).toBe(200);
    expect(restored.body).toMatchObject({ id: entry.id, type: 'meeting', contact: { id: c.id, name: 'Ines Undo' } });
    expect(await contact()).toMatchObject({ counts: { interactions: 2 }, lastContactAt: '2030-04-09T10:00:00.000Z' });
    expect((await dayCounts(a.userId))[0]!.n).toBe(2);
    expect((await a.get('/api/dashboard/stats')).body.sessionsThisWeek).toBe(before);
    expect((await a.post(`/api/interactions/${entry.id}/restore`)).status).toBe(404);

    // Past the undo window the purge removes it for good; the day counts stay right.
    expect((await a.delete(`/api/interactions/${entry.id}`)).status).toBe(204);
    expect(await rowsOf('interactions', entry.id)).toBe(1);
    expect(await purgeLater()).toBeGreaterThanOrEqual(1);
    expect(await rowsOf('interactions', entry.id)).toBe(0);
    expect((await dayCounts(a.userId))[0]!.n).toBe(1);
    expect((await a.post(`/api/interactions/${entry.id}/restore`)).status).toBe(404);
  });

  it('goals, tasks (with their subtasks) and photos are restored, and purged only after the window', async () => {
    now = NOW;
    const a = await signUp(t.app, 'undo-more');
    const c = await created(a, '/api/contacts', { name: 'Gus Undo', hasPhotoConsent: true });

    const goal = await created(a, '/api/goals', { contactId: c.id, title: 'Run 5 km', status: 'completed' });
    expect((await a.delete(`/api/goals/${goal.id}`)).status).toBe(204);
    expect((await a.get('/api/goals')).body.items).toEqual([]);
    expect((await a.get(`/api/contacts/${c.id}`)).body.counts.goals).toBe(0);
    expect((await a.get('/api/dashboard/stats')).body.goalsAchievedThisMonth).toBe(0);
    expect((await a.post(`/api/goals/${goal.id}/restore`)).body).toMatchObject({ id: goal.id, title: 'Run 5 km' });
    expect((await a.get('/api/dashboard/stats')).body.goalsAchievedThisMonth).toBe(1);

    const parent = await created(a, '/api/tasks', { title: 'Plan retreat', contactIds: [c.id], dueAt: '2030-04-01T10:00:00Z' });
    const sub = await created(a, '/api/tasks', { title: 'Book venue', parentTaskId: parent.id });
    expect((await a.delete(`/api/tasks/${parent.id}`)).status).toBe(204);
    expect((await a.get('/api/tasks')).body.items).toEqual([]);
    expect((await a.get(`/api/tasks/${sub.id}`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${c.id}`)).body.counts.openTasks).toBe(0);
    expect((await a.get('/api/tasks/analytics')).body).toMatchObject({ total: 0, overdue: 0 });
    expect((await a.get('/api/dashboard/stats')).body.overdueTasks).toBe(0);
    const back = await a.post(`/api/tasks/${parent.id}/restore`);
    expect(back.status, back.text).toBe(200);
    expect(back.body.subtasks.map((s: { id: string }) => s.id)).toEqual([sub.id]);
    expect((await a.get('/api/dashboard/stats')).body.overdueTasks).toBe(1);
    const log = (await a.get(`/api/tasks/${parent.id}/activity`)).body.items.map((i: { action: string }) => i.action);
    expect(log[0]).toBe('restored');

    const image = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const photo = (await postFile(a, `/api/contacts/${c.id}/photos`, image)).body;
    expect(photo.isActive).toBe(true);
    expect((await a.delete(`/api/photos/${photo.id}`)).status).toBe(204);
    expect((await a.get(`/api/contacts/${c.id}`)).body.photoUrl).toBeNull();
    expect((await a.get(`/api/photos/${photo.id}`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${c.id}/photos`)).body.items).toEqual([]);
    const again = await a.post(`/api/photos/${photo.id}/restore`);
    expect(again.body).toMatchObject({ id: photo.id, isActive: true });
    expect((await a.get(`/api/contacts/${c.id}`)).body.photoUrl).toBe(photo.url);

    // A fresh delete is not purged before the window ends; an old one is.
    expect((await a.delete(`/api/goals/${goal.id}`)).status).toBe(204);
    expect((await a.delete(`/api/tasks/${parent.id}`)).status).toBe(204);
    expect((await a.delete(`/api/photos/${photo.id}`)).status).toBe(204);
    await t.app.services.trash.purgeExpired();
    expect([await rowsOf('goals', goal.id), await rowsOf('tasks', sub.id), await rowsOf('contact_photos', photo.id)]).toEqual([1, 1, 1]);
    await purgeLater();
    expect([await rowsOf('goals', goal.id), await rowsOf('tasks', sub.id), await rowsOf('contact_photos', photo.id)]).toEqual([0, 0, 0]);
    expect((await a.post(`/api/tasks/${parent.id}/restore`)).status).toBe(404);
  });
});
