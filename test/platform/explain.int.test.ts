import crypto from 'node:crypto';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/server/platform/db.js';
import { seedPractice, type SeedResult } from '../../src/server/seed/seed-practice.js';
import { buildSearchText, searchTerms } from '../../src/server/modules/contacts/search-text.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';
import { postForm } from '../support/imports.js';

/**
 * DESIGN §5: every hot list query uses an index. The plans are taken for the exact statement text
 * and parameters the app sent (captured at the pg pool), on 100,000 contacts across ten users.
 */
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; Plans?: PlanNode[] };
type Captured = { text: string; values: unknown[] };

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

describe.skipIf(!process.env.DATABASE_URL)('contact list plans on 100,000 contacts (PostgreSQL only: needs DATABASE_URL)', () => {
  let database: Database;
  let t: TestApp;
  let client: TestClient;
  let seeded: SeedResult;
  let tags: { id: string; name: string; contactCount: number }[];
  let capture: Captured[] | undefined;

  beforeAll(async () => {
    database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 4, log: pino({ level: 'silent' }) });
    seeded = await seedPractice(database, {
      users: 10,
      contactsPerUser: 10_000,
      interactionsPerContact: 0.2,
      emailPrefix: `explain-${crypto.randomUUID().slice(0, 8)}`,
      seed: 20_240_601,
      analyze: false,
    });
    // A year of hand-scheduled sessions per user, so the dashboard's upcoming sessions have a table to search.
    await database.db.execute(sql`
      insert into calendar_events (user_id, source, external_id, calendar_id, title, starts_at)
      select u.id, 'manual', g::text, 'manual', 'Session', now() + (g - 1000) * interval '4 hours'
      from unnest(${`{${seeded.users.map((u) => u.id).join(',')}}`}::uuid[]) u(id), generate_series(1, 2000) g`);
    await database.db.execute(sql`analyze calendar_events`);
    await database.db.execute(sql`analyze contacts`);
    await database.db.execute(sql`analyze contact_tags`);
    await database.db.execute(sql`analyze interaction_day_counts`);

    const pool = database.pool!;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    pool.query = ((config: unknown, values?: unknown, ...rest: unknown[]) => {
      if (capture) {
        const text = typeof config === 'string' ? config : (config as { text: string }).text;
        const params = Array.isArray(values) ? values : ((config as { values?: unknown[] }).values ?? []);
        capture.push({ text, values: params });
      }
      return query(config, values, ...rest);
    }) as typeof pool.query;

    // In-memory rate-limit counters: the sign-in here must not count against other test runs.
    t = await createTestApp({ REDIS_URL: '' }, database);
    client = new TestClient(t.app);
    const login = await client.post('/api/auth/login', { email: seeded.users[0]!.email, password: seeded.password });
    expect(login.status, login.text).toBe(200);
    const tagPage = await client.get('/api/tags?limit=200');
    tags = [...tagPage.body.items].sort((a, b) => b.contactCount - a.contactCount);
  }, 600_000);

  afterAll(async () => {
    await t?.close();
    // Only this run's users (their practices go with them by cascade).
    if (seeded)
      await database.db.execute(
        sql`delete from users where id in ${sql`(${sql.join(
          seeded.users.map((u) => sql`${u.id}::uuid`),
          sql`, `,
        )})`}`,
      );
    await database?.close();
  }, 300_000);

  /** Calls the API like the web app does and EXPLAINs the one contacts statement it issued. */
  async function planOf(url: string) {
    capture = [];
    const res = await client.get(url);
    const statements = capture.filter((s) => /from "contacts"/.test(s.text) && /order by/i.test(s.text));
    capture = undefined;
    expect(res.status, res.text).toBe(200);
    expect(statements, 'one statement reads the page').toHaveLength(1);
    const { text, values } = statements[0]!;
    const explained = await database.pool!.query(`explain (format json) ${text}`, values);
    const plan = (explained.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
    return { res, plan, nodes: flatten(plan), text };
  }

  function expectIndexedContacts(nodes: PlanNode[], plan: PlanNode) {
    const shown = JSON.stringify(plan, null, 1);
    const seqScans = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'contacts');
    expect(seqScans, `sequential scan on contacts:\n${shown}`).toHaveLength(0);
    const contactIndexes = nodes.filter((n) => n['Index Name']?.startsWith('contacts_'));
    expect(contactIndexes.length, `no index on contacts used:\n${shown}`).toBeGreaterThan(0);
  }

  /** The plan of a captured statement: no sequential scan of `table`, and an index picked by `usesIndex`. */
  async function expectIndexed(statement: Captured, table: string, usesIndex: (name: string) => boolean) {
    const explained = await database.pool!.query(`explain (format json) ${statement.text}`, statement.values);
    const plan = (explained.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
    const nodes = flatten(plan);
    const shown = JSON.stringify(plan, null, 1);
    expect(
      nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === table),
      shown,
    ).toEqual([]);
    expect(
      nodes.some((n) => n['Index Name'] !== undefined && usesIndex(n['Index Name'])),
      shown,
    ).toBe(true);
    return nodes;
  }

  const SORTS = ['name', 'lastContact', 'created', 'sentiment'] as const;

  it.each(SORTS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => [sort, order] as const)))(
    'sort=%s order=%s reads the first page through its sort index',
    async (sort, order) => {
      const { res, nodes, plan } = await planOf(`/api/contacts?sort=${sort}&order=${order}&limit=50`);
      expect(res.body.items).toHaveLength(50);
      expect(res.body.nextCursor).toEqual(expect.any(String));
      expectIndexedContacts(nodes, plan);
      expect(
        nodes.some((n) => n['Node Type'] === 'Sort'),
        'the index gives the order; no sort step',
      ).toBe(false);
    },
  );

  it.each(SORTS)('a page after a cursor (sort=%s) continues through the index', async (sort) => {
    const first = await client.get(`/api/contacts?sort=${sort}&limit=100`);
    const { res, nodes, plan, text } = await planOf(
      `/api/contacts?sort=${sort}&limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(text).toMatch(/\) > \(/);
    const firstIds = new Set(first.body.items.map((c: { id: string }) => c.id));
    expect(res.body.items).toHaveLength(100);
    expect(res.body.items.some((c: { id: string }) => firstIds.has(c.id))).toBe(false);
    expectIndexedContacts(nodes, plan);
  });

  it.each([
    ['any', 'the most used tag', () => [tags[0]!.id]],
    ['any', 'the two least used tags', () => tags.slice(-2).map((x) => x.id)],
    ['all', 'the two most used tags', () => tags.slice(0, 2).map((x) => x.id)],
  ] as const)('tagMode=%s with %s', async (mode, _label, pick) => {
    const ids = pick();
    const { res, nodes, plan } = await planOf(`/api/contacts?tags=${ids.join(',')}&tagMode=${mode}&limit=50`);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const contact of res.body.items as { tags: { id: string }[] }[]) {
      const has = contact.tags.map((x) => x.id);
      expect(mode === 'all' ? ids.every((id) => has.includes(id)) : ids.some((id) => has.includes(id))).toBe(true);
    }
    expectIndexedContacts(nodes, plan);
  });

  it('filters by lifecycle stage through an index', async () => {
    const { res, nodes, plan } = await planOf('/api/contacts?stage=ambassador,collaborator&sort=lastContact&order=desc');
    expect(res.body.items.length).toBe(50);
    expect(new Set(res.body.items.map((c: { lifecycleStage: string }) => c.lifecycleStage))).toEqual(
      new Set(['ambassador', 'collaborator']),
    );
    expectIndexedContacts(nodes, plan);
  });

  it('finds contacts not contacted for 90 days through an index', async () => {
    const { res, nodes, plan } = await planOf('/api/contacts?noContactDays=90&sort=name');
    const cutoff = Date.now() - 90 * 86_400_000;
    expect(res.body.items.length).toBe(50);
    for (const c of res.body.items as { lastContactAt: string | null }[]) {
      expect(c.lastContactAt === null || Date.parse(c.lastContactAt) < cutoff).toBe(true);
    }
    expectIndexedContacts(nodes, plan);
  });

  it.each([
    ['a partial, accent-free word', 'gorza'],
    ['a partial word with its accent', 'Ångstr'],
    ['two partial words', 'nguy zo'],
  ])('searches %s (q=%s) through an index', async (_label, q) => {
    const { res, nodes, plan } = await planOf(`/api/contacts?q=${encodeURIComponent(q)}&limit=50`);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const item of res.body.items) {
      // List items are summaries; the detail carries every searchable field.
      const text = buildSearchText((await client.get(`/api/contacts/${item.id}`)).body);
      for (const term of searchTerms(q)) expect(text).toContain(term);
    }
    expectIndexedContacts(nodes, plan);
  });

  it('computes the dashboard without reading every interaction or contact', async () => {
    capture = [];
    const res = await client.get('/api/dashboard/stats');
    const statements = capture.filter((st) => st.text.includes('interaction_day_counts'));
    capture = undefined;
    expect(res.status, res.text).toBe(200);
    expect(statements).toHaveLength(1);
    const { text, values } = statements[0]!;
    const explained = await database.pool!.query(`explain (format json) ${text}`, values);
    const nodes = flatten((explained.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan);
    // Weekly figures come from the per-day counts, by the user's key; interactions are read only for
    // the one day of last week up to this hour, through the user's time index.
    const interactionReads = nodes.filter((n) => n['Relation Name'] === 'interactions').map((n) => n['Node Type']);
    expect(interactionReads.filter((type) => type === 'Seq Scan')).toEqual([]);
    if (interactionReads.length) expect(nodes.some((n) => n['Index Name'] === 'interactions_user_occurred_idx')).toBe(true);
    expect(nodes.some((n) => n['Index Name'] === 'interaction_day_counts_user_id_day_type_pk')).toBe(true);
    // Upcoming birthdays and dates are found through the month-day index.
    expect(nodes.some((n) => n['Index Name'] === 'contacts_month_days_idx')).toBe(true);
    // Upcoming sessions: one user's next days, through the time index of each table.
    expect(nodes.filter((n) => n['Relation Name'] === 'calendar_events' && n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(nodes.some((n) => n['Index Name'] === 'calendar_events_user_starts_idx')).toBe(true);
    expect(res.body.upcomingSessions.length).toBeGreaterThan(0);
  });
  it("matches a calendar file's attendees to contacts through the email index (ICS preview)", async () => {
    const known = await database.pool!.query<{ email: string }>(
      'select emails[1] as email from contacts where user_id = $1 and cardinality(emails) > 0 limit 300',
      [seeded.users[0]!.id],
    );
    const attendees = [...known.rows.map((r) => r.email), ...Array.from({ length: 300 }, (_, i) => `stranger-${i}@example.test`)];
    const events = attendees.map(
      (email, i) =>
        `BEGIN:VEVENT\r\nUID:explain-${i}\r\nDTSTART:${new Date(Date.now() - i * 3_600_000).toISOString().replace(/[-:]|\.\d+/g, '')}\r\nSUMMARY:Session\r\nATTENDEE:mailto:${email.toUpperCase()}\r\nEND:VEVENT`,
    );
    const ics = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//explain//EN\r\n${events.join('\r\n')}\r\nEND:VCALENDAR\r\n`;
    capture = [];
    const res = await postForm(client, '/api/imports/preview', Buffer.from(ics), {}, 'calendar.ics');
    const statements = capture.filter((st) => /from "contacts"/.test(st.text) && /&&/.test(st.text));
    capture = undefined;
    expect(res.status, res.text).toBe(200);
    expect(res.body.calendar.occurrences).toBe(600);
    expect(statements, 'one statement finds the attendees').toHaveLength(1);
    await expectIndexed(statements[0]!, 'contacts', (name) => name === 'contacts_emails_idx');
  });

  it('lists and searches documents through their indexes (50,000 documents)', async () => {
    const users = seeded.users.map((u) => sql`${u.id}::uuid`);
    await database.db.execute(sql`
      insert into documents (user_id, external_id, name, mime_type, extracted_text, search_text, modified_at)
      select u.id, 'explain-' || g, 'Report ' || g, 'text/plain', 'Notes ' || md5(g::text),
             'report ' || g || ' notes ' || md5(g::text), now() - g * interval '1 minute'
      from unnest(array[${sql.join(users, sql`, `)}]) as u(id), generate_series(1, 5000) g`);
    await database.db.execute(sql`analyze documents`);
    const documentPlan = async (url: string) => {
      capture = [];
      const res = await client.get(url);
      const statements = capture.filter((st) => /from "documents"/.test(st.text) && /order by/i.test(st.text));
      capture = undefined;
      expect(res.status, res.text).toBe(200);
      expect(statements, 'one statement reads the page').toHaveLength(1);
      const nodes = await expectIndexed(statements[0]!, 'documents', (name) => name.startsWith('documents_'));
      return { res, nodes };
    };
    const list = await documentPlan('/api/documents?limit=50');
    expect(list.res.body.items).toHaveLength(50);
    expect(list.nodes.some((n) => n['Node Type'] === 'Sort')).toBe(false);
    const needle = crypto.createHash('md5').update('4242').digest('hex').slice(0, 10);
    const search = await documentPlan(`/api/documents?q=${needle}`);
    expect(search.res.body.items.map((d: { title: string }) => d.title)).toContain('Report 4242');
  });
});
