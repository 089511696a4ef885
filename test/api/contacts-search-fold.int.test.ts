import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('contact search', () => {
  it('folds the Turkish dotless ı and dotted İ both ways, and finds contacts by tag name', async () => {
    const a = await signUp(t.app, 'search-fold');
    const b = await signUp(t.app, 'search-fold-b');
    const tag = (await a.post('/api/tags', { name: 'Yın Yoga Retreat' })).body;
    const contact = async (body: Record<string, unknown>) => (await a.post('/api/contacts', body)).body.id as string;
    const isik = await contact({ name: 'Işık Yılmaz' });
    const ipek = await contact({ name: 'İpek Demir' });
    const tagged = await contact({ name: 'Mara Quinn', tagIds: [tag.id] });
    await contact({ name: 'Someone Else' });
    const bTag = (await b.post('/api/tags', { name: 'Yin yoga' })).body;
    await b.post('/api/contacts', { name: 'Not A’s', tagIds: [bTag.id] });

    const find = async (q: string) => {
      const res = await a.get(`/api/contacts?q=${encodeURIComponent(q)}`);
      expect(res.status, res.text).toBe(200);
      expect(res.headers['x-db-statements']).toBe('1');
      return res.body.items.map((c: { id: string }) => c.id).sort();
    };
    expect(await find('isik')).toEqual([isik]);
    expect(await find('IŞIK')).toEqual([isik]);
    expect(await find('yilmaz')).toEqual([isik]);
    expect(await find('ipek')).toEqual([ipek]);
    expect(await find('İPEK')).toEqual([ipek]);
    // By tag name, folded too, and combined with another word; never another user's tag.
    expect(await find('yin yoga')).toEqual([tagged]);
    expect(await find('retreat mara')).toEqual([tagged]);
    expect(await find('retreat someone')).toEqual([]);
  });
});

describe('GET /api/contacts/count', () => {
  it('gives the exact number behind the list’s filters in one statement, and follows writes', async () => {
    const a = await signUp(t.app, 'count');
    for (let i = 0; i < 7; i++) await a.post('/api/contacts', { name: `Client ${i}`, lifecycleStage: i < 3 ? 'core_client' : 'discovery' });
    const count = async (query: string) => {
      const res = await a.get(`/api/contacts/count${query}`);
      expect(res.status, res.text).toBe(200);
      return res;
    };
    const all = await count('');
    expect(all.body).toEqual({ total: 7 });
    expect(all.headers['x-db-statements']).toBe('1');
    expect((await count('?stage=core_client')).body).toEqual({ total: 3 });
    expect((await count('?q=client&limit=2')).body).toEqual({ total: 7 });
    await a.post('/api/contacts', { name: 'One more', lifecycleStage: 'core_client' });
    expect((await count('?stage=core_client')).body).toEqual({ total: 4 });
    expect((await a.get('/api/contacts/count?stage=nonsense')).status).toBe(400);
  });
});

describe('GET /api/contacts/ids', () => {
  it('gives every matching id ("select all N matching"), capped at one bulk action, and only the caller’s', async () => {
    const a = await signUp(t.app, 'match-ids');
    const b = await signUp(t.app, 'match-ids-b');
    const core: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await a.post('/api/contacts', { name: `Client ${i}`, lifecycleStage: i < 3 ? 'core_client' : 'discovery' });
      if (i < 3) core.push(res.body.id);
    }
    await b.post('/api/contacts', { name: 'Client of B', lifecycleStage: 'core_client' });
    const res = await a.get('/api/contacts/ids?stage=core_client&limit=1');
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    expect([...res.body.ids].sort()).toEqual([...core].sort());
    // The ids feed the bulk route as they are.
    const bulk = await a.post('/api/contacts/bulk', { action: 'set_stage', ids: res.body.ids, stage: 'ambassador' });
    expect(bulk.body.affected).toHaveLength(3);
    expect((await a.get('/api/contacts/ids?stage=core_client')).body).toEqual({ ids: [], total: 0 });
    expect((await a.get('/api/contacts/ids?status=gone')).status).toBe(400);
  });
});
