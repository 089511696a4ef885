import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** ISO 8601 in UTC with milliseconds, the same text JavaScript's toISOString() produces. */
export const isoSql = (col: SQLWrapper | SQL) => sql`to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A parenthesised, comma-separated list of parameters for IN (...). */
export const inList = (values: readonly unknown[]) =>
  sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;

/** A timestamp parameter with an explicit type, for raw SQL where PostgreSQL cannot infer one. */
export const timestampParam = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The API URL of a photo by its id column (null stays null); photos are served by id under /api/photos. */
export const photoUrlSql = (photoId: SQLWrapper | SQL) => sql`case when ${photoId} is null then null else '/api/photos/' || ${photoId} end`;
