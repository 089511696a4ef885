import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact, createTag, listIds, type Contact } from '../support/contacts.js';

/** Contact lists: keyset pagination over every sort, filters, and search. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function walk(client: TestClient, query: string, limit: number): Promise<Contact[]> {
  const seen: Contact[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const url: string = `/api/contacts?limit=${limit}&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await client.get(url);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('pagination did not end');
}
describe('keyset pagination', () => {
  let a: Client;
  let all: Contact[];
  beforeAll(async () => {
    a = await signUp(t.app, 'pages');
    const tag = await createTag(a, 'Paged');
    // Ties on every sort key, NULLs for the nullable ones, and names that differ only in case.
    const specs = [
      { name: 'anna', sentiment: 3, lastContactAt: '2024-03-01T09:00:00Z' },
      { name: 'Anna', sentiment: 3, lastContactAt: '2024-03-01T09:00:00Z' },
      { name: 'ANNA', sentiment: null, lastContactAt: null },
      { name: 'Bo', sentiment: 5, lastContactAt: '2024-01-01T00:00:00Z' },
      { name: 'bo', sentiment: 1, lastContactAt: null },
      { name: 'Carl', sentiment: null, lastContactAt: '2024-03-01T09:00:00Z' },
      { name: 'Dana', sentiment: 3, lastContactAt: '2023-12-31T23:59:59.999Z' },
      { name: 'Eve', sentiment: 2, lastContactAt: null },
      { name: 'eve', sentiment: 3, lastContactAt: '2024-06-01T12:00:00Z' },
      { name: 'Finn', sentiment: null, lastContactAt: '2024-06-01T12:00:00Z' },
      { name: 'Gus', sentiment: 5, lastContactAt: '2024-02-29T00:00:00Z' },
      { name: 'Anna', sentiment: 4, lastContactAt: null },
      { name: 'Zed', sentiment: 1, lastContactAt: '2024-01-01T00:00:00Z' },
    ];
    all = [];
    for (const spec of specs) all.push(await createContact(a, { ...spec, tagIds: [tag] }));
    // Past the default page size, so a list without a limit has a second page.
    for (let i = 0; i < 40; i++) all.push(await createContact(a, { name: `Member ${String(i).padStart(2, '0')}` }));
  });

  type Key = (c: Contact) => string | number;
  const SORT_KEYS: Record<string, Key> = {
    name: (c) => c.name.toLowerCase(),
    lastContact: (c) => (c.lastContactAt ? Date.parse(c.lastContactAt) : Number.NEGATIVE_INFINITY),
    created: (c) => Date.parse(c.createdAt),
    sentiment: (c) => c.sentiment ?? 0,
  };
  const expectedOrder = (key: Key, order: 'asc' | 'desc') =>
    [...all]
      .sort((x, y) => {
        const [kx, ky] = [key(x), key(y)];
        const byKey = kx < ky ? -1 : kx > ky ? 1 : 0;
        const byId = x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
        return (order === 'asc' ? 1 : -1) * (byKey || byId);
      })
      .map((c) => c.id);

  it('answers 50 by default, at most 200, and refuses more', async () => {
    const first = await a.get('/api/contacts');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await a.get(`/api/contacts?cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(rest.body.items).toHaveLength(all.length - 50);
    expect(rest.body.nextCursor).toBeNull();

    const max = await a.get('/api/contacts?limit=200');
    expect(max.body.items).toHaveLength(all.length);
    expect(max.body.nextCursor).toBeNull();
    const tooMany = await a.get('/api/contacts?limit=201');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/limit.*at most 200/);
  });

  for (const sort of ['name', 'lastContact', 'created', 'sentiment']) {
    for (const order of ['asc', 'desc'] as const) {
      it(`walks every page sorted by ${sort} ${order}, each contact exactly once and in order`, async () => {
        const seen = await walk(a, `sort=${sort}&order=${order}`, 4);
        expect(seen.map((c) => c.id)).toEqual(expectedOrder(SORT_KEYS[sort]!, order));
      });
    }
  }

  it('walks filtered pages too', async () => {
    const seen = await walk(a, 'sort=sentiment&order=desc&q=anna', 1);
    expect(seen.map((c) => c.name).sort()).toEqual(['ANNA', 'Anna', 'Anna', 'anna']);
  });

  it('builds a page of contacts with their tags in one statement', async () => {
    const res = await a.get('/api/contacts?limit=20');
    expect(res.body.items.some((c: Contact) => c.tags.length > 0)).toBe(true);
    expect(res.headers['x-db-statements']).toBe('1');
  });
});

describe('filters', () => {
  let a: Client;
  let ids: Record<string, string>;
  let tags: Record<string, string>;
  beforeAll(async () => {
    a = await signUp(t.app, 'filters');
    tags = { red: await createTag(a, 'Red'), blue: await createTag(a, 'Blue') };
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    const specs: Record<string, Record<string, unknown>> = {
      both: { tagIds: [tags.red, tags.blue], lifecycleStage: 'core_client', lastContactAt: daysAgo(2), hasAiConsent: true },
      red: { tagIds: [tags.red], lifecycleStage: 'curious', status: 'paused', lastContactAt: daysAgo(40), hasPhotoConsent: true },
      blue: { tagIds: [tags.blue], lifecycleStage: 'inactive', status: 'archived', hasAiConsent: true, hasPhotoConsent: true },
      none: { lifecycleStage: 'core_client', lastContactAt: daysAgo(400) },
    };
    ids = {};
    for (const [name, spec] of Object.entries(specs)) ids[name] = (await createContact(a, { name, ...spec })).id;
  });

  const names = async (query: string) => {
    const found = await listIds(a, query);
    return Object.entries(ids)
      .filter(([, id]) => found.includes(id))
      .map(([name]) => name)
      .sort();
  };

  it('filters by tags, any or all', async () => {
    expect(await names(`tags=${tags.red}`)).toEqual(['both', 'red']);
    expect(await names(`tags=${tags.red},${tags.blue}`)).toEqual(['blue', 'both', 'red']);
    expect(await names(`tags=${tags.red},${tags.blue}&tagMode=all`)).toEqual(['both']);
    expect(await names(`tags=${crypto.randomUUID()}`)).toEqual([]);
    // Repeated or upper-case ids name the same tag.
    expect(await names(`tags=${tags.red},${tags.red}&tagMode=all`)).toEqual(['both', 'red']);
    expect(await names(`tags=${tags.red!.toUpperCase()},${tags.blue}&tagMode=all`)).toEqual(['both']);
  });

  it('filters by stage, status and consent', async () => {
    expect(await names('stage=core_client')).toEqual(['both', 'none']);
    expect(await names('stage=curious,inactive')).toEqual(['blue', 'red']);
    expect(await names('status=paused')).toEqual(['red']);
    expect(await names('status=active')).toEqual(['both', 'none']);
    expect(await names('aiConsent=true')).toEqual(['blue', 'both']);
    expect(await names('aiConsent=false')).toEqual(['none', 'red']);
    expect(await names('photoConsent=true')).toEqual(['blue', 'red']);
    expect(await names('aiConsent=true&photoConsent=true')).toEqual(['blue']);
  });

  it('finds contacts not reached for N days, including never', async () => {
    expect(await names('noContactDays=30')).toEqual(['blue', 'none', 'red']);
    expect(await names('noContactDays=365')).toEqual(['blue', 'none']);
    expect(await names('noContactDays=1')).toEqual(['blue', 'both', 'none', 'red']);
  });

  it('combines filters with search', async () => {
    expect(await names(`tags=${tags.red}&stage=core_client&q=bo`)).toEqual(['both']);
  });
});

describe('search', () => {
  let a: Client;
  let ids: Record<string, string>;
  beforeAll(async () => {
    a = await signUp(t.app, 'search');
    const specs: Record<string, Record<string, unknown>> = {
      zoe: { name: 'Zoë Ångström', emails: ['zoe@studio.example'] },
      phone: { name: 'Phil', phones: ['+1 (555) 010-9999'] },
      notes: { name: 'Nora', notes: 'Recovering from a knee injury; loves Pilates' },
      custom: { name: 'Cass', customFields: { mantra: 'Sthira Sukham' } },
      emoji: { name: '🌸 Lotus Circle' },
      plain: { name: 'Olaf', notes: '100% committed_to_practice' },
    };
    ids = {};
    for (const [key, spec] of Object.entries(specs)) ids[key] = (await createContact(a, spec)).id;
  });

  const found = async (q: string) => {
    const list = await listIds(a, `q=${encodeURIComponent(q)}`);
    return Object.entries(ids)
      .filter(([, id]) => list.includes(id))
      .map(([key]) => key)
      .sort();
  };

  it('ignores accents and case, and matches partial words', async () => {
    expect(await found('angstr')).toEqual(['zoe']);
    expect(await found('zoe')).toEqual(['zoe']);
    expect(await found('ZOË')).toEqual(['zoe']);
    expect(await found('Ångström')).toEqual(['zoe']);
    expect(await found('zo angs')).toEqual(['zoe']);
    expect(await found('studio.example')).toEqual(['zoe']);
  });

  it('finds phone numbers by their digits or as written', async () => {
    expect(await found('5550109999')).toEqual(['phone']);
    expect(await found('010-9999')).toEqual(['phone']);
    expect(await found('555')).toEqual(['phone']);
  });

  it('searches notes, custom field values and emoji names', async () => {
    expect(await found('knee')).toEqual(['notes']);
    expect(await found('pilates')).toEqual(['notes']);
    expect(await found('sukham')).toEqual(['custom']);
    expect(await found('🌸')).toEqual(['emoji']);
    expect(await found('lotus')).toEqual(['emoji']);
  });

  it('treats % and _ as text, not wildcards', async () => {
    expect(await found('%')).toEqual(['plain']);
    expect(await found('committed_to')).toEqual(['plain']);
    expect(await found('mmitte_')).toEqual([]);
    expect(await found('1%0')).toEqual([]);
  });

  it('finds nothing for a word nobody has, and follows edits', async () => {
    expect(await found('xylophone')).toEqual([]);
    await a.patch(`/api/contacts/${ids.plain}`, { notes: 'plays the xylophone' });
    expect(await found('xylophone')).toEqual(['plain']);
    expect(await found('committed')).toEqual([]);
  });
});
