import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

/**
 * Contacts get their creation time from the database, so the clock here runs with real time and
 * tests move it forward by whole days.
 */
const DAY = 86_400_000;
let offsetMs = 0;
const clockNow = () => new Date(Date.now() + offsetMs);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: clockNow });
});
afterAll(() => t.close());

type Item = {
  contact: { id: string; name: string; photoUrl: string | null; lifecycleStage: string; lastContactAt: string | null };
  cadenceDays: number;
  daysSinceContact: number;
  overdueDays: number;
};

async function contact(client: TestClient, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await client.post('/api/contacts', { name, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
async function touch(client: TestClient, contactId: string, daysAgo: number, extra: Record<string, unknown> = {}) {
  const occurredAt = new Date(clockNow().getTime() - daysAgo * DAY - 3_600_000).toISOString();
  const res = await client.post('/api/interactions', { contactId, type: 'meeting', occurredAt, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function reconnect(client: TestClient, query = ''): Promise<Item[]> {
  const res = await client.get(`/api/reconnect${query}`);
  expect(res.status, res.text).toBe(200);
  expect(res.headers['x-db-statements']).toBe('1');
  return res.body.items;
}

describe('reconnect list', () => {
  it('uses the contact override, then the user setting for the stage, then the default; most overdue first', async () => {
    offsetMs = 0;
    const a = await signUp(t.app, 'reconnect-cadence');
    const me = await a.patch('/api/auth/me', { settings: { keepInTouchDays: { core_client: 5 } } });
    expect(me.status, me.text).toBe(200);
    const core = await contact(a, 'Core never contacted', { lifecycleStage: 'core_client' });
    const fresh = await contact(a, 'New client', { lifecycleStage: 'new_client' });
    const custom = await contact(a, 'Custom cadence', { lifecycleStage: 'discovery', keepInTouchDays: 2 });
    const ambassador = await contact(a, 'Ambassador', { lifecycleStage: 'ambassador' });
    const paused = await contact(a, 'Paused', { lifecycleStage: 'new_client', status: 'paused' });
    await touch(a, fresh, 10);
    const last = await touch(a, custom, 3);
    await touch(a, ambassador, 10);
    await touch(a, paused, 100);

    const today = await reconnect(a);
    expect(today.map((i) => i.contact.name)).toEqual(['New client', 'Custom cadence']);
    expect(today[0]).toMatchObject({ cadenceDays: 7, daysSinceContact: 10, overdueDays: 3 });
    expect(today[1]).toEqual({
      contact: { id: custom, name: 'Custom cadence', photoUrl: null, lifecycleStage: 'discovery', lastContactAt: last.occurredAt },
      cadenceDays: 2,
      daysSinceContact: 3,
      overdueDays: 1,
    });

    // An extra hour keeps whole-day figures away from the boundary whatever the clocks' small skew.
    offsetMs = 6 * DAY + 3_600_000;
    const later = await reconnect(a);
    expect(later.map((i) => [i.contact.name, i.cadenceDays, i.overdueDays])).toEqual([
      ['New client', 7, 9],
      ['Custom cadence', 2, 7],
      ['Core never contacted', 5, 1],
    ]);
    expect(later[2]!.contact).toMatchObject({ id: core, lastContactAt: null });

    // The cadence setting is read live: a longer one takes the contact off the list.
    await a.patch('/api/auth/me', { settings: { keepInTouchDays: { core_client: 10 } } });
    expect((await reconnect(a)).map((i) => i.contact.name)).not.toContain('Core never contacted');
    offsetMs = 0;
  });

  it('is reset by an interaction from every source', async () => {
    offsetMs = 0;
    const a = await signUp(t.app, 'reconnect-sources');
    const names = ['Manual', 'Calendar', 'Gmail', 'Import'];
    const ids: Record<string, string> = {};
    for (const name of names) {
      ids[name] = await contact(a, name, { lifecycleStage: 'new_client' });
      await touch(a, ids[name]!, 30);
    }
    expect((await reconnect(a)).map((i) => i.contact.name).sort()).toEqual([...names].sort());

    await touch(a, ids.Manual!, 0);
    expect((await reconnect(a)).map((i) => i.contact.name)).not.toContain('Manual');
    await touch(a, ids.Calendar!, 0, { type: 'meeting', source: 'calendar', sourceId: `evt-${ids.Calendar}` });
    expect((await reconnect(a)).map((i) => i.contact.name)).not.toContain('Calendar');
    await touch(a, ids.Gmail!, 0, { type: 'email', source: 'gmail', sourceId: `msg-${ids.Gmail}` });
    expect((await reconnect(a)).map((i) => i.contact.name)).not.toContain('Gmail');
    const result = await t.app.services.interactions.upsertMany(a.userId, [
      { contactId: ids.Import!, type: 'class_attendance', occurredAt: clockNow(), source: 'import', sourceId: 'csv-row-1' },
    ]);
    expect(result.inserted).toBe(1);
    expect(await reconnect(a)).toEqual([]);
  });

  it('keeps a client on the list after a private note; a call takes them off; the dashboard agrees', async () => {
    offsetMs = 0;
    const a = await signUp(t.app, 'reconnect-note');
    const id = await contact(a, 'Quiet client', { lifecycleStage: 'new_client' });
    await touch(a, id, 30);
    const due = async () => (await a.get('/api/dashboard/stats')).body.followUpsDue;
    expect((await reconnect(a)).map((i) => i.contact.name)).toEqual(['Quiet client']);
    expect(await due()).toBe(1);

    await touch(a, id, 0, { type: 'note', content: 'Thought about her plan' });
    const still = await reconnect(a);
    expect(still.map((i) => [i.contact.name, i.daysSinceContact])).toEqual([['Quiet client', 30]]);
    expect(await due()).toBe(1);

    await touch(a, id, 0, { type: 'call' });
    expect(await reconnect(a)).toEqual([]);
    expect(await due()).toBe(0);
  });

  it("walks pages in one statement each and shows only the caller's contacts", async () => {
    offsetMs = 0;
    const a = await signUp(t.app, 'reconnect-pages');
    for (let i = 0; i < 7; i++) {
      const id = await contact(a, `Overdue ${i}`, { lifecycleStage: 'new_client' });
      await touch(a, id, 8 + (i % 4));
    }
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const res = await a.get(`/api/reconnect?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers['x-db-statements']).toBe('1');
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen.map((i) => i.contact.id)).size).toBe(7);
    const overdue = seen.map((i) => i.overdueDays);
    expect(overdue).toEqual([...overdue].sort((x, y) => y - x));
    expect(overdue[0]).toBe(4);

    const b = await signUp(t.app, 'reconnect-pages-b');
    expect(await reconnect(b)).toEqual([]);
  });

  it('refuses a bad limit or cursor', async () => {
    const a = await signUp(t.app, 'reconnect-valid');
    expect((await a.get('/api/reconnect?limit=0')).status).toBe(400);
    expect((await a.get('/api/reconnect?limit=201')).status).toBe(400);
    const res = await a.get('/api/reconnect?cursor=abc.def');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('cursor');
  });
});
