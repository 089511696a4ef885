import { sql } from 'drizzle-orm';
import type { Db } from '../../src/server/platform/db.js';
import { queryRows } from '../../src/server/platform/db.js';

export type Trace = { table: string; column: string; value: string };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Every cell, in every table of every schema of the database (information_schema: ours, the
 * migrations' and the job queue's), whose text contains one of the needles (case-insensitive):
 * text, JSON, UUID and array columns alike. For proving an erasure left nothing behind.
 */
export async function findTraces(db: Db, needles: string[]): Promise<Trace[]> {
  const columns = await queryRows<{ s: string; t: string; c: string }>(
    db,
    sql`select c.table_schema as s, c.table_name as t, c.column_name as c
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
        where t.table_type = 'BASE TABLE'
          and c.table_schema not in ('pg_catalog', 'information_schema')
          and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'uuid', 'ARRAY', 'USER-DEFINED'))
        order by 1, 2, 3`,
  );
  const patterns = needles.map((n) => `%${escapeLike(n)}%`);
  const traces: Trace[] = [];
  for (const col of columns) {
    const table = sql`${sql.identifier(col.s)}.${sql.identifier(col.t)}`;
    const column = sql.identifier(col.c);
    const rows = await queryRows<{ v: string }>(
      db,
      sql`select ${column}::text as v from ${table}
          where ${column}::text ilike any(${sql.raw(`array[${patterns.map((p) => `'${p.replace(/'/g, "''")}'`).join(',')}]`)}::text[])`,
    );
    for (const r of rows) traces.push({ table: `${col.s}.${col.t}`, column: col.c, value: r.v.slice(0, 200) });
  }
  return traces;
}
