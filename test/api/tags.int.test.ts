import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';

type Tag = { id: string; name: string; color: string; contactCount: number; createdAt: string };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function createTag(client: TestClient, body: { name: string; color?: string }): Promise<Tag> {
  const res = await client.post('/api/tags', body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function createContact(client: TestClient, name: string, tagIds: string[]): Promise<string> {
  const res = await client.post('/api/contacts', { name, tagIds });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}

async function listTags(client: TestClient): Promise<Tag[]> {
  const res = await client.get('/api/tags');
  expect(res.status, res.text).toBe(200);
  return res.body.items;
}

async function tagNamesOf(client: TestClient, contactId: string): Promise<string[]> {
  const res = await client.get(`/api/contacts/${contactId}`);
  return res.body.tags.map((x: { name: string }) => x.name);
}

describe('tags', () => {
  it('creates a tag with a default colour and an ISO creation date', async () => {
    const a = await signUp(t.app, 'tags-create');
    const tag = await createTag(a, { name: '  Breathwork  ' });
    expect(tag).toEqual({ id: expect.any(String), name: 'Breathwork', color: '#0d9488', contactCount: 0, createdAt: expect.any(String) });
    expect(tag.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const coloured = await createTag(a, { name: 'Reiki', color: '#AA00ff' });
    expect(coloured.color).toBe('#AA00ff');
  });

  it('keeps names unique per user, ignoring case, with a message that says what to do', async () => {
    const a = await signUp(t.app, 'tags-unique');
    await createTag(a, { name: 'Yoga' });
    for (const name of ['yoga', 'YOGA', ' Yoga ']) {
      const res = await a.post('/api/tags', { name });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.message).toMatch(/A tag named ".*" already exists\. Pick another name or merge/);
    }
    const b = await signUp(t.app, 'tags-unique-b');
    await createTag(b, { name: 'yoga' });
    expect(await listTags(a)).toHaveLength(1);
  });

  it('lists tags by name, ignoring case, with how many contacts carry each', async () => {
    const a = await signUp(t.app, 'tags-list');
    const [zen, art, mid] = [await createTag(a, { name: 'zen' }), await createTag(a, { name: 'Art' }), await createTag(a, { name: 'Mid' })];
    await createContact(a, 'One', [zen.id, art.id]);
    await createContact(a, 'Two', [zen.id]);
    const list = await listTags(a);
    expect(list.map((x) => [x.name, x.contactCount])).toEqual([
      ['Art', 1],
      ['Mid', 0],
      ['zen', 2],
    ]);
    expect(list.find((x) => x.id === mid.id)?.contactCount).toBe(0);
  });

  it('pages through many tags with a cursor, whatever the letters', async () => {
    const a = await signUp(t.app, 'tags-pages');
    const names = [
      'émile',
      'Émilie',
      'Zeta',
      'alpha',
      'Beta',
      'İstanbul',
      'istanbul2',
      'Ωmega',
      'ärger',
      'Straße',
      'STRASSE2',
      '🌿 herbs',
      'beta2',
    ];
    for (const name of names) await createTag(a, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < names.length + 2 && (page === 0 || cursor); page++) {
      const url: string = `/api/tags?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await a.get(url);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((x: Tag) => x.name));
      cursor = res.body.nextCursor;
    }
    expect(cursor).toBeNull();
    expect([...seen].sort()).toEqual([...names].sort());
    const all = (await a.get('/api/tags?limit=200')).body.items.map((x: Tag) => x.name);
    expect(seen).toEqual(all);
  });

  it('renames and recolours, refusing a name another tag has', async () => {
    const a = await signUp(t.app, 'tags-rename');
    const tag = await createTag(a, { name: 'Massage' });
    await createTag(a, { name: 'Nutrition' });
    const contact = await createContact(a, 'Pat', [tag.id]);

    const renamed = await a.patch(`/api/tags/${tag.id}`, { name: 'Bodywork' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ id: tag.id, name: 'Bodywork', color: '#0d9488', contactCount: 1 });
    expect(await tagNamesOf(a, contact)).toEqual(['Bodywork']);

    const recase = await a.patch(`/api/tags/${tag.id}`, { name: 'BODYWORK' });
    expect(recase.status).toBe(200);
    expect(recase.body.name).toBe('BODYWORK');

    const recoloured = await a.patch(`/api/tags/${tag.id}`, { color: '#ff8800' });
    expect(recoloured.body).toMatchObject({ name: 'BODYWORK', color: '#ff8800' });

    const taken = await a.patch(`/api/tags/${tag.id}`, { name: 'nutrition' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toMatch(/already exists/);

    const badColour = await a.patch(`/api/tags/${tag.id}`, { color: 'orange' });
    expect(badColour.status).toBe(400);
    expect(badColour.body.error.message).toMatch(/colour like #0d9488/);

    const missing = await a.patch(`/api/tags/${crypto.randomUUID()}`, { name: 'Ghost' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toEqual({ code: 'not_found', message: 'Tag not found' });
  });

  it('lets exactly one of several simultaneous renames to one name win, and answers 409 to the rest', async () => {
    const a = await signUp(t.app, 'tags-race');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await createTag(a, { name: `Draft ${i}` })).id);
    const answers = await Promise.all(ids.map((id, i) => a.patch(`/api/tags/${id}`, { name: i % 2 ? 'Final' : 'FINAL' })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    for (const res of answers.filter((r) => r.status === 409)) expect(res.body.error.message).toMatch(/already exists/);
    expect((await listTags(a)).filter((x) => x.name.toLowerCase() === 'final')).toHaveLength(1);
  });

  it('merges one tag into another: contacts of both end up on the target, once', async () => {
    const a = await signUp(t.app, 'tags-merge');
    const from = await createTag(a, { name: 'Yin' });
    const into = await createTag(a, { name: 'Yin Yoga' });
    const onlyFrom = await createContact(a, 'Only from', [from.id]);
    const both = await createContact(a, 'Both', [from.id, into.id]);
    const onlyInto = await createContact(a, 'Only into', [into.id]);

    const merged = await a.post(`/api/tags/${from.id}/merge`, { intoTagId: into.id });
    expect(merged.status, merged.text).toBe(200);
    expect(merged.body).toMatchObject({ id: into.id, name: 'Yin Yoga', contactCount: 3 });

    expect(await tagNamesOf(a, onlyFrom)).toEqual(['Yin Yoga']);
    expect(await tagNamesOf(a, both)).toEqual(['Yin Yoga']);
    expect(await tagNamesOf(a, onlyInto)).toEqual(['Yin Yoga']);
    expect((await listTags(a)).map((x) => x.id)).toEqual([into.id]);
    expect((await a.patch(`/api/tags/${from.id}`, { color: '#000000' })).status).toBe(404);
    const filtered = await a.get(`/api/contacts?tags=${into.id}`);
    expect(filtered.body.items).toHaveLength(3);
  });

  it('refuses to merge a tag into itself or across users, changing nothing', async () => {
    const a = await signUp(t.app, 'tags-merge-a');
    const b = await signUp(t.app, 'tags-merge-b');
    const mine = await createTag(a, { name: 'Mine' });
    const theirs = await createTag(b, { name: 'Theirs' });
    await createContact(a, 'A contact', [mine.id]);
    await createContact(b, 'B contact', [theirs.id]);
    const aBefore = await listTags(a);
    const bBefore = await listTags(b);

    const self = await a.post(`/api/tags/${mine.id}/merge`, { intoTagId: mine.id });
    expect(self.status).toBe(422);
    expect(self.body.error.message).toBe('A tag cannot be merged into itself.');
    expect((await a.post(`/api/tags/${mine.id}/merge`, { intoTagId: mine.id.toUpperCase() })).status).toBe(422);

    const random = crypto.randomUUID();
    const answers = [
      await a.post(`/api/tags/${mine.id}/merge`, { intoTagId: theirs.id }),
      await a.post(`/api/tags/${theirs.id}/merge`, { intoTagId: mine.id }),
      await a.post(`/api/tags/${mine.id}/merge`, { intoTagId: random }),
      await a.post(`/api/tags/${random}/merge`, { intoTagId: mine.id }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: 'Tag not found' });
    }
    expect(await listTags(a)).toEqual(aBefore);
    expect(await listTags(b)).toEqual(bBefore);
  });

  it('deletes a tag and takes it off every contact', async () => {
    const a = await signUp(t.app, 'tags-delete');
    const tag = await createTag(a, { name: 'Retreat 2024' });
    const keep = await createTag(a, { name: 'Keep' });
    const contact = await createContact(a, 'Sam', [tag.id, keep.id]);

    const removed = await a.delete(`/api/tags/${tag.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(await tagNamesOf(a, contact)).toEqual(['Keep']);
    expect((await listTags(a)).map((x) => x.name)).toEqual(['Keep']);
    expect((await a.delete(`/api/tags/${tag.id}`)).status).toBe(404);
    const filtered = await a.get(`/api/contacts?tags=${tag.id}`);
    expect(filtered.body.items).toEqual([]);
  });
});
