import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { statementsOf, walkPages } from '../support/pages.js';
import { signUp, type TestClient } from '../support/client.js';

type Client = Awaited<ReturnType<typeof signUp>>;

const NOW = new Date('2030-04-10T12:00:00.000Z');
let now = NOW;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, undefined, { clock: () => now });
});
afterAll(() => t.close());

async function contact(client: TestClient, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await client.post('/api/contacts', { name, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function interaction(client: TestClient, body: Record<string, unknown>) {
  const res = await client.post('/api/interactions', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const lastContactOf = async (client: TestClient, id: string) => (await client.get(`/api/contacts/${id}`)).body.lastContactAt;
const statements = statementsOf;

const walk = (client: TestClient, url: string, limit: number) => walkPages<{ id: string; occurredAt: string }>(client, url, limit);

describe('writing interactions', () => {
  let a: Client;
  beforeAll(async () => {
    a = await signUp(t.app, 'ix-write');
  });

  it("creates with the documented shape and defaults, and moves the contact's last contact", async () => {
    const id = await contact(a, 'Ana Lima');
    expect(await lastContactOf(a, id)).toBeNull();
    const created = await interaction(a, { contactId: id, type: 'call', subject: '  Check-in  ', sentiment: 4 });
    expect(created).toEqual({
      version: 1,
      id: expect.any(String),
      contactId: id,
      type: 'call',
      subject: 'Check-in',
      content: '',
      occurredAt: NOW.toISOString(),
      source: 'manual',
      sourceId: null,
      sentiment: 4,
      private: false,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      contact: { id, name: 'Ana Lima', photoUrl: null },
    });
    expect(await lastContactOf(a, id)).toBe(NOW.toISOString());

    // An older interaction leaves the latest one in place; a newer one moves it forward.
    await interaction(a, { contactId: id, type: 'note', occurredAt: '2030-01-01T00:00:00Z' });
    expect(await lastContactOf(a, id)).toBe(NOW.toISOString());
    await interaction(a, { contactId: id, type: 'email', occurredAt: '2030-04-11T09:30:00+02:00' });
    expect(await lastContactOf(a, id)).toBe('2030-04-11T07:30:00.000Z');
  });

  it('counts sessions, calls, emails and classes as contact, never a private note', async () => {
    const id = await contact(a, 'Nadia Private');
    await interaction(a, { contactId: id, type: 'note', occurredAt: '2030-03-01T10:00:00Z' });
    expect(await lastContactOf(a, id)).toBeNull();
    for (const [type, occurredAt] of [
      ['email', '2030-01-01T10:00:00.000Z'],
      ['call', '2030-01-02T10:00:00.000Z'],
      ['class_attendance', '2030-01-03T10:00:00.000Z'],
      ['meeting', '2030-01-04T10:00:00.000Z'],
    ] as const) {
      await interaction(a, { contactId: id, type, occurredAt });
      expect(await lastContactOf(a, id)).toBe(occurredAt);
    }
    // A later note leaves it; a session turned into a note gives it back to the latest real contact.
    const note = await interaction(a, { contactId: id, type: 'note', occurredAt: '2030-04-01T10:00:00Z' });
    expect(await lastContactOf(a, id)).toBe('2030-01-04T10:00:00.000Z');
    const session = await interaction(a, { contactId: id, type: 'meeting', occurredAt: '2030-02-01T10:00:00Z' });
    expect(await lastContactOf(a, id)).toBe('2030-02-01T10:00:00.000Z');
    expect((await a.patch(`/api/interactions/${session.id}`, { type: 'note' })).status).toBe(200);
    expect(await lastContactOf(a, id)).toBe('2030-01-04T10:00:00.000Z');
    expect((await a.patch(`/api/interactions/${note.id}`, { type: 'call' })).status).toBe(200);
    expect(await lastContactOf(a, id)).toBe('2030-04-01T10:00:00.000Z');
  });

  it('recomputes the last contact when an interaction is edited, moved or deleted', async () => {
    const x = await contact(a, 'Xavier');
    const y = await contact(a, 'Yara');
    const early = await interaction(a, { contactId: x, type: 'meeting', occurredAt: '2030-02-01T10:00:00Z' });
    const late = await interaction(a, { contactId: x, type: 'meeting', occurredAt: '2030-03-01T10:00:00Z' });
    expect(await lastContactOf(a, x)).toBe('2030-03-01T10:00:00.000Z');

    now = new Date('2030-04-10T13:00:00.000Z');
    const edited = await a.patch(`/api/interactions/${late.id}`, {
      occurredAt: '2030-01-15T10:00:00Z',
      content: 'Moved earlier',
      sentiment: null,
    });
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body).toMatchObject({
      occurredAt: '2030-01-15T10:00:00.000Z',
      content: 'Moved earlier',
      sentiment: null,
      updatedAt: now.toISOString(),
    });
    expect(edited.body.createdAt).toBe(NOW.toISOString());
    expect(await lastContactOf(a, x)).toBe('2030-02-01T10:00:00.000Z');

    const moved = await a.patch(`/api/interactions/${early.id}`, { contactId: y });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.contact).toEqual({ id: y, name: 'Yara', photoUrl: null });
    expect(await lastContactOf(a, x)).toBe('2030-01-15T10:00:00.000Z');
    expect(await lastContactOf(a, y)).toBe('2030-02-01T10:00:00.000Z');

    expect((await a.delete(`/api/interactions/${late.id}`)).status).toBe(204);
    expect(await lastContactOf(a, x)).toBeNull();
    expect((await a.delete(`/api/interactions/${late.id}`)).status).toBe(404);
    now = NOW;
  });

  it('keeps the latest time when many interactions for one contact are written at once', async () => {
    const id = await contact(a, 'Busy');
    const times = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2029, 0, 1 + i * 3, 8)).toISOString());
    const results = await Promise.all(times.map((occurredAt) => a.post('/api/interactions', { contactId: id, type: 'call', occurredAt })));
    expect(results.map((r) => r.status)).toEqual(times.map(() => 201));
    expect(await lastContactOf(a, id)).toBe(times[times.length - 1]);
    const victims = results.slice(-4).map((r) => r.body.id);
    const deleted = await Promise.all(victims.map((v: string) => a.delete(`/api/interactions/${v}`)));
    expect(deleted.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    expect(await lastContactOf(a, id)).toBe(times[times.length - 5]);
  });

  it('logs one class for several attendees in one call: one entry each, every last contact moved, all or nothing', async () => {
    const b = await signUp(t.app, 'ix-class-b');
    const ids = [await contact(a, 'Zoe Class'), await contact(a, 'Ána Class'), await contact(a, 'Mo Class')];
    const at = '2030-04-09T18:30:00.000Z';
    const res = await a.post('/api/interactions/bulk', {
      contactIds: [...ids, ids[0]!.toUpperCase()],
      subject: 'Yin yoga',
      occurredAt: at,
    });
    expect(res.status, res.text).toBe(201);
    const items = res.body.items as { contactId: string; type: string; subject: string; contact: { name: string } }[];
    expect(items.map((i) => i.contact.name).sort()).toEqual(['Mo Class', 'Zoe Class', 'Ána Class']);
    expect(new Set(items.map((i) => i.type))).toEqual(new Set(['class_attendance']));
    for (const id of ids) {
      expect(await lastContactOf(a, id)).toBe(at);
      const timeline = (await a.get(`/api/contacts/${id}/interactions`)).body.items;
      expect(timeline.map((i: { subject: string }) => i.subject)).toEqual(['Yin yoga']);
    }
    // One id that is not the caller's: nothing is written for anyone.
    const foreign = await contact(b, 'Not A’s');
    const refused = await a.post('/api/interactions/bulk', { contactIds: [ids[0], foreign], subject: 'Second class' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toMatch(/nothing was logged/);
    expect(refused.body.error.message).not.toContain('Not A’s');
    expect((await a.get(`/api/contacts/${ids[0]}/interactions`)).body.items).toHaveLength(1);
    expect((await b.get(`/api/contacts/${foreign}`)).status).toBe(200);
    expect((await b.get(`/api/contacts/${foreign}/interactions`)).body.items).toHaveLength(0);
    // The statements do not grow with the number of attendees.
    const one = await a.post('/api/interactions/bulk', { contactIds: [ids[0]], subject: 'Private class' });
    const three = await a.post('/api/interactions/bulk', { contactIds: ids, subject: 'Group class' });
    expect(three.headers['x-db-statements']).toBe(one.headers['x-db-statements']);
    // Bad bodies name the field.
    const empty = await a.post('/api/interactions/bulk', { contactIds: [], subject: 'x' });
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/at least one person/);
    const tooMany = await a.post('/api/interactions/bulk', { contactIds: Array.from({ length: 201 }, () => crypto.randomUUID()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/at most 200 people/);
  });

  it('answers 409 for a second interaction with the same source and source id', async () => {
    const id = await contact(a, 'Dup');
    const sourceId = `evt-${crypto.randomUUID()}`;
    await interaction(a, { contactId: id, type: 'meeting', source: 'calendar', sourceId });
    const again = await a.post('/api/interactions', { contactId: id, type: 'meeting', source: 'calendar', sourceId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(again.body.error.message).toContain(sourceId);
    // The same id from another source, or for another user, is a different item.
    await interaction(a, { contactId: id, type: 'email', source: 'gmail', sourceId });
    const b = await signUp(t.app, 'ix-dup-b');
    await interaction(b, { contactId: await contact(b, 'Other'), type: 'meeting', source: 'calendar', sourceId });
    // Manual notes without a source id never collide.
    await interaction(a, { contactId: id, type: 'note' });
    await interaction(a, { contactId: id, type: 'note' });
  });

  it('refuses invalid bodies with messages that name the field', async () => {
    const id = await contact(a, 'Valid');
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'note' }, 'body.contactId'],
      [{ contactId: 'nope', type: 'note' }, 'body.contactId'],
      [{ contactId: id, type: 'lunch' }, 'body.type'],
      [{ contactId: id, type: 'note', sentiment: 6 }, 'body.sentiment'],
      [{ contactId: id, type: 'note', sentiment: 2.5 }, 'body.sentiment'],
      [{ contactId: id, type: 'note', occurredAt: 'yesterday' }, 'body.occurredAt'],
      [{ contactId: id, type: 'note', occurredAt: '0000-01-01T00:00:00Z' }, 'body.occurredAt'],
      [{ contactId: id, type: 'note', source: 'fax' }, 'body.source'],
      [{ contactId: id, type: 'note', subject: 'x'.repeat(501) }, 'body.subject'],
      [{ contactId: id, type: 'note', userId: crypto.randomUUID() }, 'userId'],
    ];
    for (const [body, field] of cases) {
      const res = await a.post('/api/interactions', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toContain(field);
    }
    const patch = await a.patch(`/api/interactions/${crypto.randomUUID()}`, { source: 'gmail' });
    expect(patch.status).toBe(400);
    const list = await a.get('/api/interactions?limit=500');
    expect(list.status).toBe(400);
    expect(list.body.error.message).toContain('at most 200');
    const badCursor = await a.get('/api/interactions?cursor=forged.cursor');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.message).toContain('cursor');
  });
});

describe('reading timelines', () => {
  let a: Client;
  let maya: string;
  let noor: string;
  beforeAll(async () => {
    a = await signUp(t.app, 'ix-read');
    maya = await contact(a, 'Maya');
    noor = await contact(a, 'Noor');
    // Two at the same instant check the id tie-break of the keyset.
    const at = ['2030-03-01T09:00:00Z', '2030-03-02T09:00:00Z', '2030-03-02T09:00:00Z', '2030-03-05T09:00:00Z', '2030-03-07T09:00:00Z'];
    for (const [i, occurredAt] of at.entries()) await interaction(a, { contactId: maya, type: i % 2 ? 'meeting' : 'note', occurredAt });
    await interaction(a, { contactId: noor, type: 'class_attendance', occurredAt: '2030-03-03T18:00:00Z' });
    await interaction(a, { contactId: noor, type: 'meeting', occurredAt: '2030-03-06T18:00:00Z' });
  });

  it("walks a contact's timeline newest first in one statement per page", async () => {
    const items = await walk(a, `/api/contacts/${maya}/interactions`, 2);
    expect(items).toHaveLength(5);
    expect(new Set(items.map((i) => i.id)).size).toBe(5);
    const times = items.map((i) => i.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(items.every((i) => (i as unknown as { contactId: string }).contactId === maya)).toBe(true);
  });

  it('walks recent interactions across contacts with names, and filters by type', async () => {
    const items = (await walk(a, '/api/interactions', 3)) as unknown as { type: string; occurredAt: string; contact: { name: string } }[];
    expect(items).toHaveLength(7);
    expect(items.map((i) => i.occurredAt)).toEqual(
      items
        .map((i) => i.occurredAt)
        .sort()
        .reverse(),
    );
    expect(items.slice(0, 3).map((i) => i.contact.name)).toEqual(['Maya', 'Noor', 'Maya']);
    const meetings = await a.get('/api/interactions?type=meeting');
    expect(statements(meetings)).toBe(1);
    expect(meetings.body.items.map((i: { type: string }) => i.type)).toEqual(['meeting', 'meeting', 'meeting']);
    const typed = await walk(a, `/api/contacts/${maya}/interactions?type=note`, 1);
    expect(typed).toHaveLength(3);
  });

  it('answers an empty page for a contact without interactions, and 404 for a contact that is not yours', async () => {
    const quiet = await contact(a, 'Quiet');
    const empty = await a.get(`/api/contacts/${quiet}/interactions`);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [], nextCursor: null });
    expect(statements(empty)).toBe(1);

    const b = await signUp(t.app, 'ix-read-b');
    for (const url of [`/api/contacts/${maya}/interactions`, `/api/contacts/${crypto.randomUUID()}/interactions`]) {
      const res = await b.get(url);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('Contact not found');
    }
    expect((await b.get('/api/interactions')).body.items).toEqual([]);
    const someone = (await a.get('/api/interactions?limit=1')).body.items[0].id;
    expect((await b.patch(`/api/interactions/${someone}`, { subject: 'hijack' })).status).toBe(404);
    expect((await b.delete(`/api/interactions/${someone}`)).status).toBe(404);
    const foreign = await b.post('/api/interactions', { contactId: maya, type: 'note' });
    expect(foreign.status).toBe(404);
    const own = await contact(b, 'Mine');
    const ownInteraction = await interaction(b, { contactId: own, type: 'note' });
    const move = await b.patch(`/api/interactions/${ownInteraction.id}`, { contactId: maya });
    expect(move.status).toBe(404);
    expect(move.body.error.message).toBe('Contact not found');
    expect((await a.get(`/api/contacts/${maya}/interactions`)).body.items).toHaveLength(5);
  });

  it("refuses a cursor from another contact's timeline", async () => {
    const first = await a.get(`/api/contacts/${maya}/interactions?limit=1`);
    const res = await a.get(`/api/contacts/${noor}/interactions?cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(res.status).toBe(400);
  });
});

describe('upsertMany (syncs and imports)', () => {
  it('inserts, skips unchanged, updates changed, never duplicates, and moves last contact', async () => {
    const a = await signUp(t.app, 'ix-batch');
    const b = await signUp(t.app, 'ix-batch-b');
    const c1 = await contact(a, 'Batch One');
    const c2 = await contact(a, 'Batch Two');
    const foreign = await contact(b, 'Not A');
    const { interactions } = t.app.services;
    const items = [
      {
        contactId: c1,
        type: 'meeting' as const,
        occurredAt: '2030-02-01T10:00:00Z',
        source: 'calendar' as const,
        sourceId: 'evt-1',
        subject: 'Session',
      },
      {
        contactId: c1,
        type: 'meeting' as const,
        occurredAt: new Date('2030-02-08T10:00:00Z'),
        source: 'calendar' as const,
        sourceId: 'evt-2',
      },
      {
        contactId: c2,
        type: 'email' as const,
        occurredAt: '2030-02-03T10:00:00Z',
        source: 'gmail' as const,
        sourceId: 'msg-1',
        content: 'Hello',
      },
      { contactId: foreign, type: 'note' as const, occurredAt: '2030-02-03T10:00:00Z', source: 'import' as const, sourceId: 'row-1' },
    ];
    expect(await interactions.upsertMany(a.userId, items)).toEqual({ inserted: 3, updated: 0, unchanged: 0, skipped: 1 });
    expect(await interactions.upsertMany(a.userId, items)).toEqual({ inserted: 0, updated: 0, unchanged: 3, skipped: 1 });
    expect(await lastContactOf(a, c1)).toBe('2030-02-08T10:00:00.000Z');
    expect(await lastContactOf(a, c2)).toBe('2030-02-03T10:00:00.000Z');

    // A rescheduled event moves, an event reassigned to another contact moves both contacts, and
    // a repeated source id within one batch counts once (the last wins).
    const changed = [
      { ...items[1]!, occurredAt: '2030-01-20T10:00:00Z' },
      { ...items[0]!, contactId: c2 },
      { ...items[0]!, contactId: c2, subject: 'Renamed session' },
    ];
    expect(await interactions.upsertMany(a.userId, changed)).toEqual({ inserted: 0, updated: 2, unchanged: 0, skipped: 0 });
    expect(await lastContactOf(a, c1)).toBe('2030-01-20T10:00:00.000Z');
    expect(await lastContactOf(a, c2)).toBe('2030-02-03T10:00:00.000Z');
    const all = (await a.get('/api/interactions')).body.items as { sourceId: string; subject: string; contactId: string }[];
    expect(all.map((i) => i.sourceId).sort()).toEqual(['evt-1', 'evt-2', 'msg-1']);
    expect(all.find((i) => i.sourceId === 'evt-1')).toMatchObject({ subject: 'Renamed session', contactId: c2 });
    expect((await b.get(`/api/contacts/${foreign}/interactions`)).body.items).toEqual([]);

    // A manual create of an imported item is the duplicate it looks like.
    const dup = await a.post('/api/interactions', { contactId: c1, type: 'meeting', source: 'calendar', sourceId: 'evt-2' });
    expect(dup.status).toBe(409);
  });

  it('writes a batch larger than one statement in one go, idempotently', async () => {
    const a = await signUp(t.app, 'ix-batch-big');
    const id = await contact(a, 'Many');
    const items = Array.from({ length: 1_203 }, (_, i) => ({
      contactId: id,
      type: 'email' as const,
      occurredAt: new Date(Date.UTC(2028, 0, 1) + i * 3_600_000),
      source: 'import' as const,
      sourceId: `row-${i}`,
    }));
    expect(await t.app.services.interactions.upsertMany(a.userId, items)).toEqual({ inserted: 1203, updated: 0, unchanged: 0, skipped: 0 });
    expect(await t.app.services.interactions.upsertMany(a.userId, items)).toEqual({ inserted: 0, updated: 0, unchanged: 1203, skipped: 0 });
    expect(await lastContactOf(a, id)).toBe(items[1202]!.occurredAt.toISOString());
    expect((await a.get(`/api/contacts/${id}`)).body.counts.interactions).toBe(1203);
  });

  it('refuses malformed items without writing any', async () => {
    const a = await signUp(t.app, 'ix-batch-bad');
    const id = await contact(a, 'Careful');
    const good = { contactId: id, type: 'note' as const, occurredAt: '2030-01-01T00:00:00Z', source: 'import' as const, sourceId: 'ok' };
    const bad = { ...good, sourceId: 'bad', occurredAt: 'not a date' };
    await expect(t.app.services.interactions.upsertMany(a.userId, [good, bad])).rejects.toMatchObject({ code: 'bad_request' });
    const yearZero = { ...good, sourceId: 'zero', occurredAt: new Date('0000-06-01T00:00:00Z') };
    await expect(t.app.services.interactions.upsertMany(a.userId, [good, yearZero])).rejects.toMatchObject({ code: 'bad_request' });
    expect((await a.get('/api/interactions')).body.items).toEqual([]);
  });
});

describe('removeFromSource (cancelled events, full resyncs)', () => {
  it('removes a source’s entries under a prefix except those kept, and fixes last contact', async () => {
    const a = await signUp(t.app, 'ix-remove');
    const b = await signUp(t.app, 'ix-remove-b');
    const one = await contact(a, 'Remove One');
    const two = await contact(a, 'Remove Two');
    const theirs = await contact(b, 'Not Removed');
    const item = (contactId: string, sourceId: string, day: number, source: 'calendar' | 'import' = 'calendar') => ({
      contactId,
      type: 'meeting' as const,
      occurredAt: new Date(Date.UTC(2030, 2, day, 10)),
      source,
      sourceId,
    });
    const { interactions } = t.app.services;
    await interactions.upsertMany(a.userId, [
      item(one, 'cal-1:evt-a:x', 1),
      item(one, 'cal-1:evt-b:x', 9),
      item(two, 'cal-1:evt-c,\'q":x', 5),
      item(two, 'cal-2:evt-a:x', 7),
      item(one, 'cal-1:evt-z:x', 20, 'import'),
    ]);
    await interactions.upsertMany(b.userId, [item(theirs, 'cal-1:evt-a:x', 2)]);

    // A full resync of cal-1 that no longer sees evt-b: only evt-b's entry goes.
    expect(await interactions.removeFromSource(a.userId, 'calendar', 'cal-1:', ['cal-1:evt-a:x', 'cal-1:evt-c,\'q":x'])).toBe(1);
    const ids = async (who: typeof a) =>
      ((await who.get('/api/interactions')).body.items as { sourceId: string }[]).map((i) => i.sourceId).sort();
    expect(await ids(a)).toEqual(['cal-1:evt-a:x', 'cal-1:evt-c,\'q":x', 'cal-1:evt-z:x', 'cal-2:evt-a:x']);
    expect(await lastContactOf(a, one)).toBe('2030-03-20T10:00:00.000Z');

    // A cancelled event: every entry under its prefix goes, in that source only, for that user only.
    expect(await interactions.removeFromSource(a.userId, 'calendar', 'cal-1:evt-c,\'q":')).toBe(1);
    expect(await lastContactOf(a, two)).toBe('2030-03-07T10:00:00.000Z');
    expect(await interactions.removeFromSource(a.userId, 'calendar', 'cal-1:')).toBe(1);
    expect(await ids(a)).toEqual(['cal-1:evt-z:x', 'cal-2:evt-a:x']);
    expect(await ids(b)).toEqual(['cal-1:evt-a:x']);
    expect(await interactions.removeFromSource(a.userId, 'calendar', 'cal-1:')).toBe(0);
  });
});
