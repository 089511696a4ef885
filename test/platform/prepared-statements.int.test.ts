import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { createStatementNamer } from '../../src/server/platform/prepared-statements.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';

describe('naming frequent statements', () => {
  it('names a text from its third sighting on, always with the same name, and at most max texts', () => {
    const nameOf = createStatementNamer({ after: 3, max: 2, tracked: 100 });
    expect([nameOf('a'), nameOf('a'), nameOf('a'), nameOf('a')]).toEqual([undefined, undefined, 'mcrm_1', 'mcrm_1']);
    for (let i = 0; i < 3; i++) nameOf('b');
    expect(nameOf('b')).toBe('mcrm_2');
    for (let i = 0; i < 5; i++) expect(nameOf('c')).toBeUndefined();
    expect(nameOf('a')).toBe('mcrm_1');
  });

  it('forgets texts seen too rarely once it tracks `tracked` of them', () => {
    const nameOf = createStatementNamer({ after: 2, max: 10, tracked: 3 });
    nameOf('x');
    for (const t of ['p', 'q', 'r']) nameOf(t);
    // 'x' was forgotten when the fourth text arrived: its next sighting is a first one again.
    expect(nameOf('x')).toBeUndefined();
    expect(nameOf('x')).toBe('mcrm_1');
  });
});

describe.skipIf(!process.env.DATABASE_URL)('frequent statements on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('are prepared once per connection under their name, and answer as unnamed ones do', async () => {
    const marker = `prepared-${crypto.randomUUID()}`;
    const prepared = await t.database.db.transaction(async (tx) => {
      const answers: unknown[] = [];
      for (let i = 0; i < LIMITS.preparedStatements.after + 2; i++) {
        answers.push(...(await queryRows<{ n: number; m: string }>(tx as never, sql`select ${i}::int + 1 as n, ${marker}::text as m`)));
      }
      expect(answers).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, m: marker })));
      return queryRows<{ name: string; statement: string }>(
        tx as never,
        sql`select name, statement from pg_prepared_statements where statement like ${'%::text as m'}`,
      );
    });
    expect(prepared).toEqual([{ name: expect.stringMatching(/^mcrm_\d+$/), statement: 'select $1::int + 1 as n, $2::text as m' }]);
  });

  it('serve the app’s reads the same way: the dashboard after each of several writes', async () => {
    const a = await signUp(t.app, 'prepared');
    const totals: number[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await a.post('/api/contacts', { name: `Prepared ${i}` })).status).toBe(201);
      totals.push((await a.get('/api/dashboard/stats')).body.totalContacts);
    }
    expect(totals).toEqual([1, 2, 3, 4, 5]);
  });
});
