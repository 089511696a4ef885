import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openDatabase, queryRows } from '../../src/server/platform/db.js';

/**
 * On PostgreSQL, apply migrations once before any test file opens its pool, and drop the jobs an
 * earlier run left unfinished: the test database outlives a run, and a test's worker would take an
 * old run's job (for a user and a fake Google that no longer answer) before its own.
 */
export default async function setup() {
  if (!process.env.DATABASE_URL) return;
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
  try {
    await database.migrate();
    const [queue] = await queryRows<{ exists: boolean }>(database.db, sql`select to_regclass('pgboss.job') is not null as exists`);
    if (queue?.exists) await queryRows(database.db, sql`delete from pgboss.job where state in ('created', 'retry', 'active')`);
  } finally {
    await database.close();
  }
}
