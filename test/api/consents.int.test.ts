import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consents, contacts } from '../../src/server/db/schema/index.js';
import { queryRows } from '../../src/server/platform/db.js';
import { allowedContactIds } from '../../src/server/modules/consent/consent.repo.js';
import { CONSENT_PURPOSES } from '../../src/shared/domain.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { createContact, listIds } from '../support/contacts.js';
import { statementsOf } from '../support/pages.js';

/** The consent ledger: routes, derived flags, bulk, list filters, and the one function others call. */

type Client = Awaited<ReturnType<typeof signUp>>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const put = (c: Client, contactId: string, purpose: string, body: unknown) =>
  c.request('PUT', `/api/contacts/${contactId}/consents/${purpose}`, body);
const stateOf = (states: { purposes: { purpose: string; granted: boolean }[] }, purpose: string) =>
  states.purposes.find((p) => p.purpose === purpose)!;
const entriesOf = async (contactId: string) =>
  queryRows<{ purpose: string; is_granted: boolean; method: string; note: string }>(
    t.database.db,
    sql`select purpose, is_granted, method, note from consents where contact_id = ${contactId} order by recorded_at, seq`,
  );
const auditOf = async (userId: string, action: string) =>
  queryRows<{ entity_id: string; details: Record<string, unknown> }>(
    t.database.db,
    sql`select entity_id, details from audit_log where user_id = ${userId} and action = ${action} order by created_at`,
  );

describe('recording and reading consent', () => {
  it('records a change, answers the state per purpose in one statement, and keeps every entry in the history', async () => {
    const a = await signUp(t.app, 'consent-put');
    const c = await createContact(a, { name: 'Rosa Quiet' });

    const initial = await a.get(`/api/contacts/${c.id}/consents`);
    expect(initial.status, initial.text).toBe(200);
    expect(statementsOf(initial)).toBe(1);
    expect(initial.body.purposes.map((p: { purpose: string }) => p.purpose)).toEqual([...CONSENT_PURPOSES]);
    expect(initial.body.purposes.every((p: { granted: boolean; since: unknown }) => !p.granted && p.since === null)).toBe(true);

    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const granted = await put(a, c.id, 'ai_processing', { granted: true, method: 'form', note: 'Intake form, page 2', expiresAt });
    expect(granted.status, granted.text).toBe(200);
    expect(stateOf(granted.body, 'ai_processing')).toMatchObject({
      granted: true,
      expired: false,
      method: 'form',
      note: 'Intake form, page 2',
      expiresAt,
    });
    expect(stateOf(granted.body, 'photo_enrichment').granted).toBe(false);
    expect((await a.get(`/api/contacts/${c.id}`)).body.hasAiConsent).toBe(true);

    const withdrawn = await put(a, c.id, 'ai_processing', { granted: false, method: 'email' });
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(stateOf(withdrawn.body, 'ai_processing')).toMatchObject({ granted: false, method: 'email', expiresAt: null });
    expect((await a.get(`/api/contacts/${c.id}`)).body.hasAiConsent).toBe(false);
    await put(a, c.id, 'photo_enrichment', { granted: true, method: 'verbal' });

    // Newest first, paged; each page one statement.
    const first = await a.get(`/api/contacts/${c.id}/consents/history?limit=2`);
    expect(first.status, first.text).toBe(200);
    expect(statementsOf(first)).toBe(1);
    expect(first.body.items.map((e: { purpose: string; granted: boolean }) => [e.purpose, e.granted])).toEqual([
      ['photo_enrichment', true],
      ['ai_processing', false],
    ]);
    expect(first.body.items[0].recordedBy).toBe(a.userId);
    const second = await a.get(`/api/contacts/${c.id}/consents/history?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((e: { method: string }) => e.method)).toEqual(['form']);
    expect(second.body.nextCursor).toBeNull();
    const onlyAi = await a.get(`/api/contacts/${c.id}/consents/history?purpose=ai_processing`);
    expect(onlyAi.body.items).toHaveLength(2);

    // Each change is audited with the contact's name and no evidence note.
    const audit = await auditOf(a.userId, 'consent.changed');
    expect(audit.map((e) => e.details)).toEqual([
      { name: 'Rosa Quiet', purpose: 'ai_processing', granted: true, method: 'form' },
      { name: 'Rosa Quiet', purpose: 'ai_processing', granted: false, method: 'email' },
      { name: 'Rosa Quiet', purpose: 'photo_enrichment', granted: true, method: 'verbal' },
    ]);
  });

  it('answers 4xx with an actionable message for bad input and records nothing', async () => {
    const a = await signUp(t.app, 'consent-bad');
    const c = await createContact(a, { name: 'Bad input' });
    const cases: [string, unknown, number, RegExp][] = [
      ['marketing', { granted: true, method: 'form' }, 400, /purpose/],
      ['ai_processing', { granted: true, method: 'fax' }, 400, /method/],
      ['ai_processing', { granted: 'yes', method: 'form' }, 400, /granted/],
      ['ai_processing', { granted: true, method: 'form', note: 'x'.repeat(1001) }, 400, /note/],
      ['ai_processing', { granted: true, method: 'form', expiresAt: '2020-01-01T00:00:00Z' }, 400, /future/],
      ['ai_processing', { granted: false, method: 'form', expiresAt: '2099-01-01T00:00:00Z' }, 400, /grant only/],
      ['ai_processing', { granted: true, method: 'form', expiresAt: 'soon' }, 400, /expiresAt/],
      ['ai_processing', { granted: true, method: 'form', extra: 1 }, 400, /extra/],
    ];
    for (const [purpose, body, status, message] of cases) {
      const res = await put(a, c.id, purpose, body);
      expect(res.status, `${purpose} ${JSON.stringify(body)}: ${res.text}`).toBe(status);
      expect(res.text).toMatch(message);
    }
    expect((await put(a, crypto.randomUUID(), 'ai_processing', { granted: true, method: 'form' })).status).toBe(404);
    expect((await a.get(`/api/contacts/${crypto.randomUUID()}/consents`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${crypto.randomUUID()}/consents/history`)).status).toBe(404);
    expect((await a.get(`/api/contacts/${c.id}/consents/history?cursor=forged`)).status).toBe(400);
    expect(await entriesOf(c.id)).toEqual([]);
  });

  it('sees an expiry pass without any write: the flag, the state and the filters follow the ledger', async () => {
    const a = await signUp(t.app, 'consent-expiry');
    const c = await createContact(a, { name: 'Expired grant' });
    const hour = 3_600_000;
    // Recorded two hours ago, valid for one: written directly, as time passing would leave it.
    await t.database.db.insert(consents).values({
      userId: a.userId,
      contactId: c.id,
      purpose: 'photo_enrichment',
      isGranted: true,
      method: 'form',
      recordedAt: new Date(Date.now() - 2 * hour),
      expiresAt: new Date(Date.now() - hour),
    });
    const states = await a.get(`/api/contacts/${c.id}/consents`);
    expect(stateOf(states.body, 'photo_enrichment')).toMatchObject({ granted: false, expired: true, method: 'form' });
    expect((await a.get(`/api/contacts/${c.id}`)).body.hasPhotoConsent).toBe(false);
    expect(await listIds(a, 'consent=photo_enrichment')).toEqual([]);
    expect(await listIds(a, 'noConsent=photo_enrichment')).toEqual([c.id]);
  });

  it('refuses to edit an entry, and erases the ledger with its contact', async () => {
    const a = await signUp(t.app, 'consent-append-only');
    const c = await createContact(a, { name: 'Append only', hasAiConsent: true });
    await expect(t.database.db.execute(sql`update consents set is_granted = false where contact_id = ${c.id}`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`update consents set note = 'changed' where contact_id = ${c.id}`)).rejects.toThrow();
    expect(await entriesOf(c.id)).toEqual([{ purpose: 'ai_processing', is_granted: true, method: 'other', note: '' }]);
    expect((await a.delete(`/api/contacts/${c.id}`)).status).toBe(204);
    expect(await entriesOf(c.id)).toEqual([]);
  });
});

describe('the contact flags are views of the ledger', () => {
  it('appends an entry (method other) when a create or PATCH changes a flag, and nothing when it does not', async () => {
    const a = await signUp(t.app, 'consent-flags');
    const c = await createContact(a, { name: 'Flags', hasAiConsent: true, hasPhotoConsent: false });
    expect(c.hasAiConsent).toBe(true);
    expect(c.hasPhotoConsent).toBe(false);
    expect(await entriesOf(c.id)).toEqual([{ purpose: 'ai_processing', is_granted: true, method: 'other', note: '' }]);

    const same = await a.patch(`/api/contacts/${c.id}`, { hasAiConsent: true, hasPhotoConsent: false });
    expect(same.status, same.text).toBe(200);
    expect(await entriesOf(c.id)).toHaveLength(1);

    const changed = await a.patch(`/api/contacts/${c.id}`, { hasAiConsent: false, hasPhotoConsent: true });
    expect(changed.body).toMatchObject({ hasAiConsent: false, hasPhotoConsent: true });
    expect(await entriesOf(c.id)).toEqual([
      { purpose: 'ai_processing', is_granted: true, method: 'other', note: '' },
      { purpose: 'ai_processing', is_granted: false, method: 'other', note: '' },
      { purpose: 'photo_enrichment', is_granted: true, method: 'other', note: '' },
    ]);
    expect(await auditOf(a.userId, 'consent.changed')).toHaveLength(3);
  });

  it('filters the contacts list by consent granted now, or by its absence', async () => {
    const a = await signUp(t.app, 'consent-filter');
    const both = await createContact(a, { name: 'both' });
    const ai = await createContact(a, { name: 'ai' });
    const none = await createContact(a, { name: 'none' });
    await put(a, both.id, 'ai_processing', { granted: true, method: 'form' });
    await put(a, both.id, 'email_ingestion', { granted: true, method: 'email' });
    await put(a, ai.id, 'ai_processing', { granted: true, method: 'form' });
    await put(a, ai.id, 'email_ingestion', { granted: true, method: 'email' });
    await put(a, ai.id, 'email_ingestion', { granted: false, method: 'email' });

    const sorted = async (q: string) => (await listIds(a, `sort=name&${q}`)).sort();
    expect(await sorted('consent=ai_processing')).toEqual([ai.id, both.id].sort());
    expect(await sorted('consent=ai_processing,email_ingestion')).toEqual([both.id]);
    expect(await sorted('noConsent=email_ingestion')).toEqual([ai.id, none.id].sort());
    expect(await sorted('aiConsent=false')).toEqual([none.id]);
    const count = await a.get('/api/contacts/count?consent=email_ingestion');
    expect(count.body.total).toBe(1);
    const bad = await a.get('/api/contacts?consent=marketing');
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/purposes among/);
  });
});

describe('bulk consent', () => {
  it('records one entry per owned contact with a bounded number of statements, and reports the others', async () => {
    const a = await signUp(t.app, 'consent-bulk');
    const b = await signUp(t.app, 'consent-bulk-other');
    const theirs = await createContact(b, { name: 'Not yours' });
    const run = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await createContact(a, { name: `Bulk ${n}-${i}` })).id);
      const res = await a.post('/api/contacts/bulk', {
        action: 'set_consent',
        ids: [...ids, theirs.id],
        purpose: 'document_ingestion',
        granted: true,
        method: 'form',
        note: 'Signed at the retreat',
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.affected.sort()).toEqual([...ids].sort());
      expect(res.body.notFound).toEqual([theirs.id]);
      return { ids, statements: statementsOf(res) };
    };
    const small = await run(2);
    const large = await run(25);
    expect(large.statements).toBe(small.statements);
    const allowed = await allowedContactIds(t.database.db, a.userId, 'document_ingestion', [...small.ids, ...large.ids, theirs.id]);
    expect(allowed).toEqual(new Set([...small.ids, ...large.ids]));
    expect(await entriesOf(theirs.id)).toEqual([]);
    expect(await auditOf(a.userId, 'consent.changed')).toHaveLength(27);

    const badExpiry = await a.post('/api/contacts/bulk', {
      action: 'set_consent',
      ids: small.ids,
      purpose: 'ai_processing',
      granted: true,
      method: 'form',
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expect(badExpiry.status).toBe(400);
    expect(await allowedContactIds(t.database.db, a.userId, 'ai_processing', small.ids)).toEqual(new Set());
  });
});

describe('allowedContactIds', () => {
  it('answers in one statement for 1 and for 500 ids, and only for the user', async () => {
    const a = await signUp(t.app, 'consent-fn');
    const b = await signUp(t.app, 'consent-fn-other');
    const rows = await t.database.db
      .insert(contacts)
      .values(Array.from({ length: 500 }, (_, i) => ({ userId: a.userId, name: `Many ${i}` })))
      .returning({ id: contacts.id });
    const ids = rows.map((r) => r.id);
    await t.database.db.insert(consents).values(
      ids
        .filter((_, i) => i % 3 === 0)
        .map((contactId) => ({
          userId: a.userId,
          contactId,
          purpose: 'calendar_ingestion' as const,
          isGranted: true,
          method: 'form' as const,
        })),
    );
    const count = async (fn: () => Promise<Set<string>>) => {
      const before = t.database.statementCount();
      const result = await fn();
      return { result, statements: t.database.statementCount() - before };
    };
    const one = await count(() => allowedContactIds(t.database.db, a.userId, 'calendar_ingestion', [ids[0]!]));
    expect(one).toEqual({ result: new Set([ids[0]]), statements: 1 });
    const all = await count(() => allowedContactIds(t.database.db, a.userId, 'calendar_ingestion', ids));
    expect(all.statements).toBe(1);
    expect(all.result.size).toBe(167);
    // Another user asking about A's contacts learns nothing; odd input is ignored, not an error.
    expect((await allowedContactIds(t.database.db, b.userId, 'calendar_ingestion', ids)).size).toBe(0);
    expect(await allowedContactIds(t.database.db, a.userId, 'calendar_ingestion', ['not-an-id', ids[0]!.toUpperCase()])).toEqual(
      new Set([ids[0]]),
    );
    expect((await count(() => allowedContactIds(t.database.db, a.userId, 'calendar_ingestion', []))).statements).toBe(0);
  });

  it('agrees with a simple model of the ledger at every point of random grant, withdrawal and expiry histories', async () => {
    const a = await signUp(t.app, 'consent-property');
    const base = Date.UTC(2030, 0, 1);
    const minute = 60_000;
    type Entry = { contact: number; purpose: 'ai_processing' | 'email_ingestion'; granted: boolean; at: number; expiresIn: number | null };
    const entry = fc.record({
      contact: fc.integer({ min: 0, max: 2 }),
      purpose: fc.constantFrom('ai_processing' as const, 'email_ingestion' as const),
      granted: fc.boolean(),
      at: fc.integer({ min: 0, max: 60 }),
      expiresIn: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
    });
    // The model: the latest entry recorded by then (ties: the one inserted last) allows when it is an unexpired grant.
    const model = (history: Entry[], contact: number, at: number) => {
      let latest: Entry | undefined;
      for (const e of history)
        if (e.contact === contact && e.purpose === 'ai_processing' && e.at <= at && (!latest || e.at >= latest.at)) latest = e;
      return !!latest && latest.granted && (latest.expiresIn === null || latest.at + latest.expiresIn > at);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 25 }), async (history) => {
        const rows = await t.database.db
          .insert(contacts)
          .values([0, 1, 2].map((i) => ({ userId: a.userId, name: `Property ${i}` })))
          .returning({ id: contacts.id });
        const ids = rows.map((r) => r.id);
        if (history.length) {
          await t.database.db.insert(consents).values(
            history.map((e) => ({
              userId: a.userId,
              contactId: ids[e.contact]!,
              purpose: e.purpose,
              isGranted: e.granted,
              method: 'other' as const,
              recordedAt: new Date(base + e.at * minute),
              expiresAt: e.granted && e.expiresIn !== null ? new Date(base + (e.at + e.expiresIn) * minute) : null,
            })),
          );
        }
        // Every instant where the answer can change, and the instants just before them.
        const instants = new Set<number>([-1, 100]);
        for (const e of history) {
          instants.add(e.at).add(e.at - 0.5);
          if (e.expiresIn !== null) instants.add(e.at + e.expiresIn).add(e.at + e.expiresIn - 0.5);
        }
        for (const at of instants) {
          const answer = await allowedContactIds(t.database.db, a.userId, 'ai_processing', ids, new Date(base + at * minute));
          const expected = new Set(
            ids.filter((_, i) =>
              model(
                history.map((e) => (e.granted ? e : { ...e, expiresIn: null })),
                i,
                at,
              ),
            ),
          );
          expect(answer).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('migration 0009', () => {
  it('turns the consent flags and the old rows into ledger entries, so no contact changes its answer', async () => {
    // The migrations up to 0008 in a copy of the folder, then the real folder: the upgrade an existing install makes.
    const folder = path.resolve(import.meta.dirname, '../../drizzle');
    const before = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-0009-'));
    fs.cpSync(folder, before, { recursive: true });
    const journalPath = path.join(before, 'meta/_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < '0009');
    fs.writeFileSync(journalPath, JSON.stringify(journal));
    const client = await PGlite.create({ extensions: { pg_trgm } });
    try {
      await migrate(drizzle(client), { migrationsFolder: before });
      await client.exec(`
        insert into users (id, email, display_name) values ('00000000-0000-4000-8000-000000000001', 'm@example.test', 'M');
        insert into contacts (id, user_id, name, has_ai_consent, has_photo_consent) values
          ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', 'Both flags', true, true),
          ('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000001', 'Row agrees', true, false),
          ('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001', 'Row disagrees', false, false),
          ('00000000-0000-4000-8000-00000000000d', '00000000-0000-4000-8000-000000000001', 'Nothing', false, false);
        insert into consents (user_id, contact_id, kind, is_granted, source, recorded_at) values
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000b', 'ai_processing', true, 'intake_form', now() - interval '1 day'),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000c', 'photo', true, 'email', now() - interval '1 day'),
          ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000c', 'marketing', true, 'newsletter_signup', now() - interval '1 day');
      `);
      await migrate(drizzle(client), { migrationsFolder: folder });
      const db = drizzle(client) as unknown as Parameters<typeof allowedContactIds>[0];
      const user = '00000000-0000-4000-8000-000000000001';
      const ids = ['a', 'b', 'c', 'd'].map((x) => `00000000-0000-4000-8000-00000000000${x}`);
      expect(await allowedContactIds(db, user, 'ai_processing', ids)).toEqual(new Set([ids[0], ids[1]]));
      expect(await allowedContactIds(db, user, 'photo_enrichment', ids)).toEqual(new Set([ids[0]]));
      const { rows } = await client.query<{ name: string; purpose: string; is_granted: boolean; method: string; note: string }>(`
        select c.name, x.purpose, x.is_granted, x.method, x.note from consents x join contacts c on c.id = x.contact_id
        order by c.name, x.purpose, x.recorded_at, x.seq`);
      expect(rows).toEqual([
        { name: 'Both flags', purpose: 'ai_processing', is_granted: true, method: 'other', note: 'migrated' },
        { name: 'Both flags', purpose: 'photo_enrichment', is_granted: true, method: 'other', note: 'migrated' },
        { name: 'Row agrees', purpose: 'ai_processing', is_granted: true, method: 'form', note: '' },
        { name: 'Row disagrees', purpose: 'photo_enrichment', is_granted: true, method: 'email', note: '' },
        { name: 'Row disagrees', purpose: 'photo_enrichment', is_granted: false, method: 'other', note: 'migrated' },
      ]);
    } finally {
      await client.close();
      fs.rmSync(before, { recursive: true, force: true });
    }
  });
});
