import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * Record versions (contacts, tasks, goals, interactions, projects): every update sets
 * `version = version + 1` in its own statement, and an update made from a known version adds
 * `and version = <expected>` to its WHERE, so a stale write changes nothing (the service then tells
 * a 409 from a 404 with one more read).
 */
export const nextVersion = (column: AnyColumn | SQL): SQL => sql`${column} + 1`;

/** ` and <column> = <expected>` when the write names the version it was made from; nothing otherwise. */
export const versionIs = (column: AnyColumn | SQL, expected: number | undefined): SQL =>
  expected === undefined ? sql`` : sql` and ${column} = ${expected}`;

/**
 * A record's JSON text with `version` as its first key (jsonb does not keep key order), so the
 * route reads the ETag from the first bytes of the (possibly cached) text without parsing it.
 */
export const versionFirst = (version: AnyColumn | SQL, jsonb: SQL): SQL =>
  sql`'{"version": ' || ${version} || ', ' || substr(((${jsonb}) - 'version')::text, 2)`;
