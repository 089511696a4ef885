import { getTableColumns, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../platform/db.js';
import {
  calendarEvents,
  consents,
  contacts,
  contactTags,
  goals,
  interactions,
  interactionDayCounts,
  projects,
  tags,
  taskActivities,
  taskContacts,
  tasks,
  users,
} from '../db/schema/index.js';
import { inList } from '../db/sql-helpers.js';

/** Every table the seeder fills, in an order where parents come before children. */
export const SEED_TABLES = {
  users,
  tags,
  contacts,
  contactTags,
  consents,
  interactions,
  goals,
  calendarEvents,
  projects,
  tasks,
  taskContacts,
  taskActivities,
} as const;
export type SeedTable = keyof typeof SEED_TABLES;
export type SeedRow<K extends SeedTable> = (typeof SEED_TABLES)[K]['$inferInsert'];

type AnyColumn = ReturnType<typeof getTableColumns>[string];

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPES = /[\\"]/g;

/** A PostgreSQL array literal: {"a","b \"c\"",NULL}. */
function arrayLiteral(values: (string | null)[]): string {
  const quote = (v: string) => `"${NEEDS_ESCAPE.test(v) ? v.replace(ESCAPES, '\\$&') : v}"`;
  return `{${values.map((v) => (v === null ? 'NULL' : quote(v))).join(',')}}`;
}

type Converter = { sqlType: string; toText(value: unknown): string | null };

/** How each column's values travel: as elements of one array parameter, in PostgreSQL text form. */
function converterFor(col: AnyColumn): Converter {
  const type = col.getSQLType();
  const nullable = (fn: (v: unknown) => string) => (v: unknown) => (v === null || v === undefined ? null : fn(v));
  if (type.endsWith('[]')) {
    // Array columns travel as their own literal text; unnest() cannot return one array per row.
    return { sqlType: 'text', toText: nullable((v) => arrayLiteral((v as unknown[]).map((x) => (x === null ? null : String(x))))) };
  }
  if (type === 'jsonb') return { sqlType: 'jsonb', toText: nullable((v) => JSON.stringify(v)) };
  if (type.startsWith('timestamp'))
    return { sqlType: 'timestamptz', toText: nullable((v) => (v instanceof Date ? v.toISOString() : String(v))) };
  return { sqlType: type.startsWith('numeric') ? 'numeric' : type, toText: nullable(String) };
}

const converters = new Map<AnyColumn, Converter>();
const converterOf = (col: AnyColumn) => {
  let c = converters.get(col);
  if (!c) converters.set(col, (c = converterFor(col)));
  return c;
};

export function createSeedRepo(db: Db) {
  return {
    /**
     * One INSERT … SELECT FROM unnest(…) per batch: one array parameter per column, so neither
     * per-value query building nor the 65,535-parameter cap of the protocol limits a batch.
     */
    async insert<K extends SeedTable>(table: K, rows: SeedRow<K>[]): Promise<void> {
      if (!rows.length) return;
      const target = SEED_TABLES[table];
      const present = new Set<string>();
      for (const row of rows) for (const key of Object.keys(row)) present.add(key);
      const columns = Object.entries(getTableColumns(target)).filter(([key]) => present.has(key));
      const alias = (i: number) => sql.identifier(`c${i}`);
      const arrays = columns.map(([key, col]) => {
        const { sqlType, toText } = converterOf(col);
        const values = rows.map((row) => toText((row as Record<string, unknown>)[key]));
        return sql`${arrayLiteral(values)}::${sql.raw(sqlType)}[]`;
      });
      const selected = columns.map(([, col], i) => (col.getSQLType().endsWith('[]') ? sql`${alias(i)}::text[]` : alias(i)));
      await db.execute(sql`
        insert into ${target} (${sql.join(
          columns.map(([, col]) => sql.identifier(col.name)),
          sql`, `,
        )})
        select ${sql.join(selected, sql`, `)}
        from unnest(${sql.join(arrays, sql`, `)}) as t(${sql.join(
          columns.map((_, i) => alias(i)),
          sql`, `,
        )})`);
    },

    /** Emails among the given ones that already have an account (compared case-insensitively). */
    async findExistingEmails(emails: string[]): Promise<string[]> {
      if (!emails.length) return [];
      const rows = await queryRows<{ email: string }>(
        db,
        sql`select email from ${users} where lower(email) in ${inList(emails.map((e) => e.toLowerCase()))}`,
      );
      return rows.map((r) => r.email);
    },

    /**
     * What autovacuum does soon after a bulk load, done at once: planner statistics (good plans for
     * the first queries) and visibility maps (index-only scans). The day counts are filled by trigger.
     */
    async vacuumAnalyze(tables: SeedTable[]): Promise<void> {
      for (const table of [...tables.map((t) => SEED_TABLES[t]), interactionDayCounts]) await db.execute(sql`vacuum (analyze) ${table}`);
    },
  };
}
export type SeedRepo = ReturnType<typeof createSeedRepo>;
