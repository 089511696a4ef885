import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** ISO 8601 in UTC with milliseconds, the same text JavaScript's toISOString() produces. */
export const isoSql = (col: SQLWrapper | SQL) =>
  sql`to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A parenthesised, comma-separated list of parameters for IN (...). */
export const inList = (values: readonly unknown[]) => sql`(${sql.join(values.map((v) => sql`${v}`), sql`, `)})`;

/** Rows of one text column joined into a JSON array, without parsing them in JavaScript. */
export const joinJsonRows = (rows: { j: string }[]) => `[${rows.map((r) => r.j).join(',')}]`;
