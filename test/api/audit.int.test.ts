import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { createTestApp, uniqueEmail, type TestApp } from '../support/app.js';
import { signUp, TEST_PASSWORD, TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { statementsOf } from '../support/pages.js';

/** The audit log: what account and consent actions record, GET /api/audit, and erasure of names. */

type Client = Awaited<ReturnType<typeof signUp>>;
type Item = { action: string; entityId: string | null; details: Record<string, unknown>; ip: string | null; createdAt: string };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function signIn(email: string, password = TEST_PASSWORD, client = new TestClient(t.app)) {
  const res = await client.post('/api/auth/login', { email, password });
  return { client, res };
}

async function allEntries(c: TestClient, query = ''): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const res = await c.get(`/api/audit?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    expect(statementsOf(res)).toBe(1);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('account events', () => {
  it('records sign-in, failed sign-in (without the password), password change and both sign-outs, newest first', async () => {
    const a: Client = await signUp(t.app, 'audit-auth');
    const wrong = 'my-wrong-secret-guess';
    const failed = await signIn(a.email, wrong);
    expect(failed.res.status).toBe(401);
    const ok = await signIn(a.email);
    expect(ok.res.status, ok.res.text).toBe(200);
    const changed = await ok.client.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new long password',
    });
    expect(changed.status, changed.text).toBe(204);
    expect((await ok.client.post('/api/auth/logout')).status).toBe(204);
    const again = await signIn(a.email, 'a brand new long password');
    expect((await again.client.post('/api/auth/logout-all')).status).toBe(204);

    const viewer = (await signIn(a.email, 'a brand new long password')).client;
    const items = await allEntries(viewer);
    expect(items.map((i) => i.action)).toEqual([
      'auth.sign_in',
      'auth.sign_out_everywhere',
      'auth.sign_in',
      'auth.sign_out',
      'auth.password_changed',
      'auth.sign_in',
      'auth.sign_in_failed',
    ]);
    const failure = items.at(-1)!;
    expect(failure.ip).toBe(failed.client.remoteAddress);
    expect(failure.entityId).toBe(a.userId);
    const stored = await queryRows<{ t: string }>(t.database.db, sql`select a::text as t from audit_log a where user_id = ${a.userId}`);
    expect(stored.length).toBe(7);
    expect(stored.some((r) => r.t.includes(wrong) || r.t.includes(TEST_PASSWORD))).toBe(false);
  });

  it('records nothing for a failed sign-in with an unknown email', async () => {
    const email = uniqueEmail('audit-nobody');
    expect((await signIn(email, 'whatever password')).res.status).toBe(401);
    const after = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from audit_log where action = 'auth.sign_in_failed' and details::text like ${`%${email}%`}`,
    );
    expect(after[0]!.n).toBe(0);
  });
});

describe('GET /api/audit', () => {
  it('filters by action or by kind, refuses an unknown kind, and never shows another user’s entries', async () => {
    const a: Client = await signUp(t.app, 'audit-filter');
    const b: Client = await signUp(t.app, 'audit-filter-other');
    const contact = await createContact(a, { name: 'Filtered' });
    await a.request('PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    await signIn(a.email);
    const bContact = await createContact(b, { name: 'Secret B person' });
    await b.request('PUT', `/api/contacts/${bContact.id}/consents/ai_processing`, { granted: true, method: 'verbal' });
    await signIn(b.email, 'wrong password for b');

    expect((await allEntries(a, '&kind=consent')).map((i) => i.details)).toEqual([
      { name: 'Filtered', purpose: 'ai_processing', granted: true, method: 'form' },
    ]);
    expect((await allEntries(a, '&kind=auth.sign_in')).map((i) => i.action)).toEqual(['auth.sign_in']);
    expect((await allEntries(a, '&kind=auth')).map((i) => i.action)).toEqual(['auth.sign_in']);
    const everything = await a.get('/api/audit?limit=200');
    expect(everything.text).not.toContain('Secret B person');
    expect(everything.text).not.toContain(bContact.id);
    expect(everything.body.items).toHaveLength(2);
    expect((await allEntries(b)).map((i) => i.action)).toEqual(['auth.sign_in_failed', 'consent.changed']);

    for (const query of ['kind=au', 'kind=auth.unknown', 'limit=0', 'cursor=forged', 'other=1']) {
      const res = await a.get(`/api/audit?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.message.length).toBeGreaterThan(5);
    }
    expect((await new TestClient(t.app).get('/api/audit')).status).toBe(401);
  });
});

describe('erasure', () => {
  it('keeps a deleted contact’s entries without its name, and leaves other contacts’ names', async () => {
    const a: Client = await signUp(t.app, 'audit-erase');
    const gone = await createContact(a, { name: 'Erased Person' });
    const kept = await createContact(a, { name: 'Kept Person' });
    const bulkGone = await createContact(a, { name: 'Bulk Erased' });
    for (const c of [gone, kept, bulkGone]) {
      await a.request('PUT', `/api/contacts/${c.id}/consents/photo_enrichment`, { granted: true, method: 'form' });
    }
    expect((await a.delete(`/api/contacts/${gone.id}`)).status).toBe(204);
    expect((await a.post('/api/contacts/bulk', { action: 'delete', ids: [bulkGone.id] })).status).toBe(200);

    const items = await allEntries(a, '&kind=consent.changed');
    const byContact = new Map(items.map((i) => [i.entityId, i.details]));
    expect(byContact.get(gone.id)).toEqual({ erased: true, purpose: 'photo_enrichment', granted: true, method: 'form' });
    expect(byContact.get(bulkGone.id)).toEqual({ erased: true, purpose: 'photo_enrichment', granted: true, method: 'form' });
    expect(byContact.get(kept.id)).toMatchObject({ name: 'Kept Person' });
    const stored = await queryRows<{ t: string }>(t.database.db, sql`select details::text as t from audit_log where user_id = ${a.userId}`);
    expect(stored.some((r) => r.t.includes('Erased Person') || r.t.includes('Bulk Erased'))).toBe(false);
  });
});
