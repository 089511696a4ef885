import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact, createTag } from '../support/contacts.js';
import { postFile } from '../support/route-cases.js';
import { queryRows } from '../../src/server/platform/db.js';
import { seedPractice } from '../../src/server/seed/seed-practice.js';
import { pairsSql } from '../../src/server/modules/duplicates/duplicates.repo.js';
import { contactMerges } from '../../src/server/db/schema/index.js';

/** Issue 11 items 4 and 5: duplicate detection, dismissal, merge and undo, through the API. */
let t: TestApp;
let now = Date.now();

beforeAll(async () => {
  // The clock moves past the undo window in one test; sessions outlive it.
  t = await createTestApp({ SESSION_IDLE_DAYS: '365', SESSION_TTL_DAYS: '365' }, undefined, { clock: () => new Date(now) });
});
afterAll(() => t.close());

const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(t.database.db, query);

/** Every table that refers to a contact, with the column naming it. */
const RELATED: [string, string][] = [
  ['interactions', 'contact_id'],
  ['goals', 'contact_id'],
  ['contact_photos', 'contact_id'],
  ['consents', 'contact_id'],
  ['emails', 'contact_id'],
  ['calendar_events', 'contact_id'],
  ['document_contacts', 'contact_id'],
  ['ai_insights', 'contact_id'],
  ['ai_suggestions', 'contact_id'],
  ['contact_tags', 'contact_id'],
  ['task_contacts', 'contact_id'],
];

/** The full JSON of the contacts and of every row referring to them, sorted, per table. */
async function stateOf(ids: string[]) {
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const state: Record<string, string[]> = {};
  // Everything but the version: a merge and its undo move it on by design (versions.int.test.ts).
  const contacts = await rows<{ j: string }>(sql`select (to_jsonb(x) - 'version')::text as j from contacts x where x.id in (${list})`);
  state.contacts = contacts.map((r) => r.j).sort();
  for (const [table, column] of RELATED) {
    const found = await rows<{ j: string }>(
      sql`select to_jsonb(x)::text as j from ${sql.identifier(table)} x where x.${sql.identifier(column)} in (${list})`,
    );
    state[table] = found.map((r) => r.j).sort();
  }
  return state;
}
const countsOf = (state: Record<string, string[]>) => Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.length]));

async function photo(client: TestClient, contactId: string, color: string) {
  const image = await sharp({ create: { width: 8, height: 8, channels: 3, background: color } })
    .png()
    .toBuffer();
  const res = await postFile(client, `/api/contacts/${contactId}/photos`, image, { contentType: 'image/png', filename: 'p.png' });
  expect(res.status, res.text).toBe(201);
}

/** A contact with one row of every kind (through the API where a route exists, in SQL otherwise). */
async function richContact(client: TestClient & { userId: string }, name: string, tagIds: string[], n: number) {
  const contact = await createContact(client, {
    name,
    emails: [`${name.split(' ')[0]!.toLowerCase()}@example.test`],
    tagIds,
    hasPhotoConsent: true,
  });
  const id = contact.id;
  for (let i = 0; i < n; i++) {
    const res = await client.post('/api/interactions', {
      contactId: id,
      type: 'meeting',
      subject: `s${i}`,
      occurredAt: `2025-0${i + 1}-10T10:00:00.000Z`,
    });
    expect(res.status, res.text).toBe(201);
  }
  expect((await client.post('/api/goals', { contactId: id, title: `goal of ${name}` })).status).toBe(201);
  expect((await client.post('/api/tasks', { title: `task of ${name}`, contactIds: [id] })).status).toBe(201);
  await photo(client, id, n % 2 ? '#4a7' : '#a47');
  expect((await client.post('/api/calendar/events', { title: 'Session', startsAt: '2030-01-01T10:00:00Z', contactId: id })).status).toBe(
    201,
  );
  const u = client.userId;
  await t.database.db.execute(
    sql`insert into consents (user_id, contact_id, purpose, is_granted, method, recorded_by) values (${u}, ${id}, 'ai_processing', true, 'form', ${u})`,
  );
  await t.database.db.execute(sql`insert into emails (user_id, gmail_message_id, thread_id, contact_id, direction, from_address, sent_at)
    values (${u}, ${`m-${id}`}, 't', ${id}, 'inbound', 'x@example.test', now())`);
  await t.database.db.execute(sql`with d as (insert into documents (user_id, external_id, name, mime_type)
    values (${u}, ${`d-${id}`}, 'doc', 'text/plain') returning id)
    insert into document_contacts (user_id, document_id, contact_id) select ${u}, d.id, ${id} from d`);
  await t.database.db.execute(sql`insert into ai_insights (user_id, contact_id, kind, content, input_hash, model)
    values (${u}, ${id}, 'summary', '{}'::jsonb, 'h', 'm'), (${u}, ${id}, ${`only-${name}`}, '{}'::jsonb, 'h', 'm')`);
  await t.database.db.execute(sql`insert into ai_suggestions (user_id, contact_id, kind, title) values (${u}, ${id}, 'k', 't')`);
  return id;
}

describe('duplicate detection', () => {
  it('groups contacts by email, phone (E.164 with the account country) and similar name with the same domain', async () => {
    const a = await signUp(t.app, 'dupes');
    expect((await a.patch('/api/auth/me', { country: 'fr' })).body.country).toBe('FR');
    const anna1 = await createContact(a, { name: 'Anna Karlsson', emails: ['anna@example.test'] });
    const anna2 = await createContact(a, { name: 'Anna K.', emails: ['ANNA@example.test'] });
    const phone1 = await createContact(a, { name: 'Paul Martin', phones: ['06 12 34 56 78'] });
    const phone2 = await createContact(a, { name: 'P. Martin', phones: ['+33 6 12 34 56 78'] });
    const name1 = await createContact(a, { name: 'Zoë Ångström', emails: ['zoe@studio.test'] });
    const name2 = await createContact(a, { name: 'Zoe Angstrom', emails: ['z.angstrom@studio.test'] });
    await createContact(a, { name: 'Zoe Angstrom', emails: ['zoe@elsewhere.test'] }); // same name, other domain: no pair with name1
    await createContact(a, { name: 'Someone Else', emails: ['else@example.test'], phones: ['06 99 99 99 99'] });

    const res = await a.get('/api/duplicates');
    expect(res.status, res.text).toBe(200);
    // One statement per kind of match, one for the contacts: a bound that does not grow with the practice.
    expect(Number(res.headers['x-db-statements'])).toBeLessThanOrEqual(4);
    const groups = res.body.items as { score: number; contacts: { id: string }[]; reasons: { kind: string; text: string }[] }[];
    const groupOf = (id: string) => groups.find((g) => g.contacts.some((c) => c.id === id));
    expect(
      groupOf(anna1.id)
        ?.contacts.map((c) => c.id)
        .sort(),
    ).toEqual([anna1.id, anna2.id].sort());
    expect(groupOf(anna1.id)?.reasons.map((r) => r.text)).toEqual(['same email anna@example.test']);
    expect(
      groupOf(phone1.id)
        ?.contacts.map((c) => c.id)
        .sort(),
    ).toEqual([phone1.id, phone2.id].sort());
    expect(groupOf(phone1.id)?.reasons.map((r) => r.text)).toEqual(['same phone after normalisation']);
    const names = groupOf(name1.id)!;
    expect(names.contacts.map((c) => c.id).sort()).toEqual([name1.id, name2.id].sort());
    expect(names.reasons[0]!.text).toBe('similar name and the same email domain (studio.test)');
    expect(groups).toHaveLength(3);
    expect(groups[0]!.score).toBe(1);

    // Dismissed: never proposed again.
    const dismissed = await a.post('/api/duplicates/dismiss', { contactIds: [phone2.id, phone1.id] });
    expect(dismissed.status, dismissed.text).toBe(204);
    expect((await a.post('/api/duplicates/dismiss', { contactIds: [phone1.id, phone2.id] })).status).toBe(204);
    const after = await a.get('/api/duplicates');
    expect(after.body.items.some((g: { contacts: { id: string }[] }) => g.contacts.some((c) => c.id === phone1.id))).toBe(false);
    const [audit] = await rows<{ n: number }>(
      sql`select count(*)::int as n from audit_log where user_id = ${a.userId} and action = 'duplicates.dismissed'`,
    );
    expect(audit!.n).toBe(2);
  });

  it('re-reads phone keys when the account country changes', async () => {
    const a = await signUp(t.app, 'dupes-country');
    const one = await createContact(a, { name: 'One', phones: ['020 7946 0018'] });
    const two = await createContact(a, { name: 'Two', phones: ['+44 20 7946 0018'] });
    const pairOf = async () =>
      (await a.get('/api/duplicates')).body.items.filter((g: { contacts: { id: string }[] }) => g.contacts.some((c) => c.id === one.id));
    expect(await pairOf()).toHaveLength(0);
    expect((await a.patch('/api/auth/me', { country: 'GB' })).status).toBe(200);
    const groups = await pairOf();
    expect(groups).toHaveLength(1);
    expect(groups[0].contacts.map((c: { id: string }) => c.id).sort()).toEqual([one.id, two.id].sort());
    expect((await a.patch('/api/auth/me', { country: 'QQ' })).status).toBe(400);
  });

  it('reads phones with the time zone’s country while the account has none', async () => {
    const a = await signUp(t.app, 'dupes-zone');
    const one = await createContact(a, { name: 'Uno', phones: ['06 12 34 56 70'] });
    const two = await createContact(a, { name: 'Due', phones: ['+33 6 12 34 56 70'] });
    const inGroup = async () =>
      (await a.get('/api/duplicates')).body.items.some((g: { contacts: { id: string }[] }) => g.contacts.some((c) => c.id === one.id));
    expect(await inGroup()).toBe(false);
    expect((await a.patch('/api/auth/me', { timezone: 'Europe/Paris' })).status).toBe(200);
    expect(await inGroup()).toBe(true);
    // A country set on the account wins over the zone's.
    expect((await a.patch('/api/auth/me', { country: 'DE' })).status).toBe(200);
    expect(await inGroup()).toBe(false);
    expect(two.id).not.toBe(one.id);
  });

  it('hashes the user’s emails and phones and probes the trigram index for names (3,000 contacts)', async () => {
    const seeded = await seedPractice(t.database, {
      users: 1,
      contactsPerUser: 3_000,
      interactionsPerContact: 0,
      emailPrefix: `dupes-plan-${crypto.randomUUID().slice(0, 8)}`,
      seed: 11,
      analyze: true,
    });
    const userId = seeded.users[0]!.id;
    type PlanNode = { 'Node Type': string; 'Join Type'?: string; Plans?: PlanNode[] };
    const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
    // Emails and phones: the user's values joined once by equality (hash or merge join), never a
    // loop comparing every contact with every other; names: probes of the trigram index.
    const expected = {
      email: /"Node Type":"(Hash|Merge) Join"/,
      phone: /"Node Type":"(Hash|Merge) Join"/,
      name_domain: /contacts_name_key_trgm_idx/,
    };
    for (const [kind, index] of Object.entries(expected)) {
      const result = (await t.database.db.execute(
        sql`explain (format json) ${pairsSql(kind as keyof typeof expected, userId, 100)}`,
      )) as unknown as {
        rows: { 'QUERY PLAN': unknown }[];
      };
      const plan = JSON.stringify(result.rows[0]!['QUERY PLAN']);
      expect(plan, kind).toMatch(index);
      if (kind === 'name_domain') {
        // Bounded: the plan ends at the cap without sorting every pair first.
        expect(plan, kind).not.toContain('"Node Type":"Sort"');
      } else {
        const root = (result.rows[0]!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
        const loops = nodes(root).filter((n) => n['Node Type'] === 'Nested Loop');
        // The only loop left is the look-up of dismissed pairs.
        expect(
          loops.map((n) => n['Join Type']),
          kind,
        ).toEqual(loops.map(() => 'Anti'));
      }
    }
    await t.database.db.execute(sql`delete from users where id = ${userId}`);
  }, 120_000);
});

describe('merge and undo', () => {
  it('makes the AI prompts that showed the merged-away contact erasable with the kept one, undo or not', async () => {
    const a = await signUp(t.app, 'merge-prompts');
    const kept = await createContact(a, { name: 'Prompt Kept', emails: ['prompt-kept@example.test'] });
    const twin = await createContact(a, { name: 'Prompt Twin', emails: ['prompt-kept@example.test'] });
    const insert = (ids: string[], answer: string) =>
      t.database.db.execute(
        sql`insert into ai_prompts (user_id, task, model, contact_ids, prompt, answer)
            values (${a.userId}, 'sentiment', 'offline', ${`{${ids.join(',')}}`}::uuid[], '[]'::jsonb, ${answer})`,
      );
    await insert([twin.id], 'about the twin');
    await insert([kept.id, twin.id], 'about both');
    const merge = await a.post('/api/contacts/merge', { primaryId: kept.id, contactIds: [twin.id] });
    expect(merge.status, merge.text).toBe(200);
    const prompts = () =>
      queryRows<{ answer: string; ids: string[] }>(
        t.database.db,
        sql`select answer, contact_ids::text[] as ids from ai_prompts where user_id = ${a.userId} order by answer`,
      );
    expect(await prompts()).toEqual([
      { answer: 'about both', ids: [kept.id, twin.id] },
      { answer: 'about the twin', ids: [twin.id, kept.id] },
    ]);
    expect((await a.delete(`/api/contacts/${kept.id}`)).status).toBe(204);
    expect(await prompts()).toEqual([]);
  });

  it('moves every related row exactly once, and undo restores every row byte for byte, twice in a row', async () => {
    const a = await signUp(t.app, 'merge');
    const shared = await createTag(a, 'shared tag');
    const own = await createTag(a, 'own tag');
    const first = await richContact(a, 'Maria Lopez', [shared], 3);
    const second = await richContact(a, 'Mary Lopez', [shared, own], 2);
    const before = await stateOf([first, second]);
    expect(before.interactions).toHaveLength(5);

    for (let round = 0; round < 2; round++) {
      const res = await a.post('/api/contacts/merge', {
        primaryId: first,
        contactIds: [second],
        fields: { name: second, notes: first },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.contactId).toBe(first);
      expect((await a.get(`/api/contacts/${second}`)).status).toBe(404);
      const merged = await a.get(`/api/contacts/${first}`);
      expect(merged.body.name).toBe('Mary Lopez');
      expect(merged.body.emails).toEqual(['maria@example.test', 'mary@example.test']);
      expect(merged.body.tags.map((tag: { name: string }) => tag.name).sort()).toEqual(['own tag', 'shared tag']);
      expect(merged.body.counts.interactions).toBe(5);

      const during = await stateOf([first, second]);
      const counts = countsOf(during);
      // Every row kept once: link rows the primary already had (the shared tag) and the second
      // 'summary' insight are the only ones folded into the primary's.
      expect(counts).toEqual({ ...countsOf(before), contacts: 1, contact_tags: 2, ai_insights: 3 });

      const history = await a.get('/api/merges');
      expect(history.status, history.text).toBe(200);
      expect(history.body.items[0]).toMatchObject({ id: res.body.mergeId, contactId: first, mergedIds: [second], undoneAt: null });

      const undo = await a.post(`/api/merges/${res.body.mergeId}/undo`);
      expect(undo.status, undo.text).toBe(200);
      expect(await stateOf([first, second])).toEqual(before);
      const again = await a.post(`/api/merges/${res.body.mergeId}/undo`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already undone/);
    }
    const audit = await rows<{ action: string; n: number }>(
      sql`select action, count(*)::int as n from audit_log where user_id = ${a.userId} and action in ('contacts.merged', 'merge.undone') group by 1 order by 1`,
    );
    expect(audit).toEqual([
      { action: 'contacts.merged', n: 2 },
      { action: 'merge.undone', n: 2 },
    ]);
  });

  it('undoes a merge whose tag, task and photo were deleted since', async () => {
    const a = await signUp(t.app, 'merge-gone');
    const tag = await createTag(a, 'soon gone');
    const first = await createContact(a, { name: 'Gone One' });
    const second = await createContact(a, { name: 'Gone Two', tagIds: [tag], hasPhotoConsent: true });
    await photo(a, second.id, '#123');
    const task = await a.post('/api/tasks', { title: 'soon gone', contactIds: [second.id] });
    const merge = await a.post('/api/contacts/merge', { primaryId: first.id, contactIds: [second.id] });
    expect(merge.status, merge.text).toBe(200);
    expect((await a.delete(`/api/tags/${tag}`)).status).toBe(204);
    await t.database.db.execute(sql`delete from tasks where id = ${task.body.id}`);
    await t.database.db.execute(sql`delete from contact_photos where contact_id = ${first.id}`);
    const undo = await a.post(`/api/merges/${merge.body.mergeId}/undo`);
    expect(undo.status, undo.text).toBe(200);
    const back = await a.get(`/api/contacts/${second.id}`);
    expect(back.body).toMatchObject({ name: 'Gone Two', tags: [], photoUrl: null });
  });

  it('merges three contacts, and refuses an undo after 30 days', async () => {
    const a = await signUp(t.app, 'merge-three');
    const ids = [];
    for (const name of ['Ann One', 'Ann Two', 'Ann Three'])
      ids.push((await createContact(a, { name, phones: [`+3361234567${ids.length}`] })).id);
    const res = await a.post('/api/contacts/merge', { primaryId: ids[0], contactIds: ids });
    expect(res.status, res.text).toBe(200);
    expect((await a.get(`/api/contacts/${ids[0]}`)).body.phones).toHaveLength(3);
    now += 31 * 86_400_000;
    try {
      const late = await a.post(`/api/merges/${res.body.mergeId}/undo`);
      expect(late.status).toBe(409);
      expect(late.body.error.message).toMatch(/30 days/);
    } finally {
      now = Date.now();
    }
  });

  it('forgets the merged-away rows once a merge can no longer be undone, and keeps its history line', async () => {
    const a = await signUp(t.app, 'merge-forget');
    const snapshotOf = async (id: string) =>
      JSON.stringify((await t.database.db.select().from(contactMerges).where(eq(contactMerges.id, id)))[0]!.snapshot);
    const pair = async (name: string) => [
      (await createContact(a, { name: `${name} Old`, emails: [`${name.toLowerCase()}@forget.test`] })).id,
      (await createContact(a, { name: `${name} New`, emails: [`${name.toLowerCase()}@forget.test`] })).id,
    ];
    const [keepA, goneA] = await pair('Undone');
    const undone = (await a.post('/api/contacts/merge', { primaryId: keepA, contactIds: [keepA, goneA] })).body.mergeId as string;
    expect((await a.post(`/api/merges/${undone}/undo`)).status).toBe(200);
    const [keepB, goneB] = await pair('Recent');
    const recent = (await a.post('/api/contacts/merge', { primaryId: keepB, contactIds: [keepB, goneB] })).body.mergeId as string;
    expect(await snapshotOf(recent)).toContain('Recent New');

    // An undone merge's snapshot goes at once; a recent one stays until its 30 days are over.
    await t.app.services.duplicates.forgetExpiredSnapshots();
    expect(await snapshotOf(undone)).toBe('{}');
    expect(await snapshotOf(recent)).toContain('Recent New');
    now += 31 * 86_400_000;
    try {
      expect(await t.app.services.duplicates.forgetExpiredSnapshots()).toBeGreaterThanOrEqual(1);
      expect(await snapshotOf(recent)).toBe('{}');
      const history = await a.get('/api/merges');
      expect(history.status, history.text).toBe(200);
      expect(history.body.items.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([undone, recent]));
      expect((await a.post(`/api/merges/${recent}/undo`)).status).toBe(409);
    } finally {
      now = Date.now();
    }
  });

  it('answers 400 for bad input and 404 for contacts and merges that are not the caller’s', async () => {
    const a = await signUp(t.app, 'merge-bad');
    const b = await signUp(t.app, 'merge-other');
    const mine = await createContact(a, { name: 'Mine' });
    const other = await createContact(a, { name: 'Other' });
    const theirs = await createContact(b, { name: 'Theirs' });
    expect((await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [mine.id] })).status).toBe(400);
    expect((await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [] })).status).toBe(400);
    const badField = await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [other.id], fields: { name: theirs.id } });
    expect(badField.status).toBe(400);
    expect((await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [theirs.id] })).status).toBe(404);
    expect((await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [crypto.randomUUID()] })).status).toBe(404);
    expect((await a.post('/api/duplicates/dismiss', { contactIds: [mine.id, mine.id] })).status).toBe(400);
    expect((await a.post('/api/duplicates/dismiss', { contactIds: [mine.id, theirs.id] })).status).toBe(404);

    const merged = await a.post('/api/contacts/merge', { primaryId: mine.id, contactIds: [other.id] });
    expect(merged.status).toBe(200);
    expect((await b.post(`/api/merges/${merged.body.mergeId}/undo`)).status).toBe(404);
    expect((await b.get('/api/merges')).text).not.toContain(merged.body.mergeId);
    expect((await b.post('/api/contacts/merge', { primaryId: theirs.id, contactIds: [mine.id] })).status).toBe(404);
    expect((await a.get(`/api/contacts/${mine.id}`)).status).toBe(200);
  });
});
