import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { buildSearchText } from '../../src/server/modules/contacts/search-text.js';
import { seedPractice, SeedInputError, type SeedOptions, type SeedResult } from '../../src/server/seed/seed-practice.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';

const NOW = new Date('2025-06-01T09:00:00.000Z');
const OPTIONS = { users: 2, contactsPerUser: 150, interactionsPerContact: 4, seed: 4242, now: NOW } satisfies Partial<SeedOptions>;
const prefix = () => `seedtest-${crypto.randomUUID().slice(0, 8)}`;

let t: TestApp;
let first: SeedResult;
const seededUserIds: string[] = [];
const rows = <T>(query: SQL) => queryRows<T>(t.database.db, query);
const ids = (result: SeedResult) =>
  sql`(${sql.join(
    result.users.map((u) => sql`${u.id}::uuid`),
    sql`, `,
  )})`;

beforeAll(async () => {
  t = await createTestApp();
  first = await seedPractice(t.database, { ...OPTIONS, emailPrefix: prefix() });
  seededUserIds.push(...first.users.map((u) => u.id));
}, 120_000);

afterAll(async () => {
  // On a shared PostgreSQL only this file's users go; their practices follow by cascade.
  if (seededUserIds.length) {
    await t.database.db.execute(
      sql`delete from users where id in (${sql.join(
        seededUserIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  }
  await t.close();
}, 120_000);

describe('the practice seeder', () => {
  it('reports what it wrote, per table', () => {
    expect(first.users).toHaveLength(2);
    expect(first.users[0]!.email).toMatch(/^seedtest-[0-9a-f]{8}-1@example\.test$/);
    expect(first.rows).toMatchObject({ users: 2, contacts: 300, interactions: 1200 });
    for (const table of [
      'tags',
      'contact_tags',
      'consents',
      'goals',
      'calendar_events',
      'projects',
      'tasks',
      'task_contacts',
      'task_activities',
    ]) {
      expect(first.rows[table], table).toBeGreaterThan(0);
    }
    expect(first.seconds).toBeGreaterThan(0);
  });

  it('matches the rows in the database, with 8–15 tags per user', async () => {
    const [counts] = await rows<Record<string, number>>(sql`select
      (select count(*)::int from contacts where user_id in ${ids(first)}) as contacts,
      (select count(*)::int from interactions where user_id in ${ids(first)}) as interactions,
      (select count(*)::int from contact_tags where user_id in ${ids(first)}) as contact_tags,
      (select count(*)::int from tasks where user_id in ${ids(first)}) as tasks`);
    expect(counts).toEqual({
      contacts: first.rows.contacts,
      interactions: first.rows.interactions,
      contact_tags: first.rows.contact_tags,
      tasks: first.rows.tasks,
    });
    const tagCounts = await rows<{ n: number }>(sql`select count(*)::int as n from tags where user_id in ${ids(first)} group by user_id`);
    expect(tagCounts).toHaveLength(2);
    for (const { n } of tagCounts) {
      expect(n).toBeGreaterThanOrEqual(8);
      expect(n).toBeLessThanOrEqual(15);
    }
  });

  it('writes search_text exactly as the contacts service would', async () => {
    const contacts = await rows<{
      name: string;
      emails: string[];
      phones: string[];
      notes: string;
      custom_fields: Record<string, string>;
      social_handles: Record<string, string>;
      search_text: string;
    }>(sql`select name, emails, phones, notes, custom_fields, social_handles, search_text from contacts where user_id in ${ids(first)}`);
    for (const c of contacts) {
      const expected = buildSearchText({ ...c, customFields: c.custom_fields, socialHandles: c.social_handles });
      // jsonb keeps its own key order, so compare the words rather than the string.
      expect(c.search_text.split(' ').sort()).toEqual(expected.split(' ').sort());
    }
    expect(contacts.some((c) => /[^\x00-\x7f]/.test(c.name))).toBe(true);
    expect(contacts.some((c) => /\p{Extended_Pictographic}/u.test(c.name))).toBe(true);
    expect(contacts.some((c) => c.notes.includes('"'))).toBe(true);
  });

  it('sets last_contact_at to each contact’s latest interaction that is contact (not a note), within the last two years', async () => {
    const [check] = await rows<{ wrong: number; never: number; early: number; types: string[]; sources: string[] }>(sql`
      select
        count(*) filter (where c.last_contact_at is distinct from (select max(i.occurred_at) from interactions i where i.contact_id = c.id and i.type <> 'note'))::int as wrong,
        count(*) filter (where c.last_contact_at is null)::int as never,
        (select count(*)::int from interactions i join contacts x on x.id = i.contact_id
          where i.user_id in ${ids(first)} and (i.occurred_at < x.created_at or i.occurred_at < ${NOW}::timestamptz - interval '731 days')) as early,
        (select array_agg(distinct type::text order by type::text) from interactions where user_id in ${ids(first)}) as types,
        (select array_agg(distinct source::text order by source::text) from interactions where user_id in ${ids(first)}) as sources
      from contacts c where c.user_id in ${ids(first)}`);
    expect(check!.wrong).toBe(0);
    expect(check!.never).toBeGreaterThan(0);
    expect(check!.early).toBe(0);
    expect(check!.types).toEqual(['call', 'class_attendance', 'email', 'meeting', 'note']);
    expect(check!.sources).toEqual(['calendar', 'gmail', 'import', 'manual']);
  });

  it('shares some emails between contacts, nests subtasks and links tasks to contacts', async () => {
    const [shape] = await rows<{ shared: number; subtasks: number; linked: number; withSessions: number }>(sql`select
      (select count(*)::int from (select c.user_id, e from contacts c, unnest(c.emails) e where c.user_id in ${ids(first)}
         group by c.user_id, e having count(*) > 1) s) as shared,
      (select count(*)::int from tasks where user_id in ${ids(first)} and parent_task_id is not null) as subtasks,
      (select count(*)::int from task_contacts where user_id in ${ids(first)}) as linked,
      (select count(*)::int from calendar_events e join interactions i
         on i.user_id = e.user_id and i.source = 'calendar' and i.source_id = e.external_id
         where e.user_id in ${ids(first)}) as "withSessions"`);
    expect(shape!.shared).toBeGreaterThan(0);
    expect(shape!.subtasks).toBeGreaterThan(0);
    expect(shape!.linked).toBeGreaterThan(0);
    expect(shape!.withSessions).toBeGreaterThan(0);
  });

  it('makes accounts that sign in with the reported password and list their practice', async () => {
    const client = new TestClient(t.app);
    const login = await client.post('/api/auth/login', { email: first.users[1]!.email, password: first.password });
    expect(login.status, login.text).toBe(200);
    let seen = 0;
    let cursor: string | null = null;
    do {
      const page = await client.get(
        `/api/contacts?limit=200&sort=lastContact&order=desc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status, page.text).toBe(200);
      seen += page.body.items.length;
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toBe(150);
    const search = await client.get('/api/contacts?q=nguyen');
    expect(search.body.items.length).toBeGreaterThan(0);
    // List items are summaries; the detail carries every searchable field.
    for (const c of search.body.items) expect(buildSearchText((await client.get(`/api/contacts/${c.id}`)).body)).toContain('nguyen');
  });

  it('generates the same practice from the same seed, with fresh ids', async () => {
    const again = await seedPractice(t.database, { ...OPTIONS, emailPrefix: prefix(), analyze: false });
    seededUserIds.push(...again.users.map((u) => u.id));
    expect(again.rows).toEqual(first.rows);
    const namesOf = (result: SeedResult) =>
      rows<{ name: string; emails: string[] }>(sql`select c.name, c.emails from contacts c join users u on u.id = c.user_id
        where u.id in ${ids(result)} order by u.email, c.name, c.emails::text`);
    expect(await namesOf(again)).toEqual(await namesOf(first));
    expect(again.users.map((u) => u.id)).not.toEqual(first.users.map((u) => u.id));
  });

  it('refuses to reuse an email prefix, and names the problem', async () => {
    const emailPrefix = first.users[0]!.email.replace(/-1@example\.test$/, '');
    await expect(seedPractice(t.database, { ...OPTIONS, emailPrefix })).rejects.toThrow(SeedInputError);
    await expect(seedPractice(t.database, { ...OPTIONS, emailPrefix })).rejects.toThrow(/already exist.*--email-prefix/);
    await expect(seedPractice(t.database, { ...OPTIONS, users: 0, emailPrefix: prefix() })).rejects.toThrow(/users must be/);
    await expect(seedPractice(t.database, { ...OPTIONS, emailPrefix: 'bad prefix!' })).rejects.toThrow(/email prefix/);
  });
});
