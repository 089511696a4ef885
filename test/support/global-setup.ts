import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { dumpMigratedEmbeddedDatabase, openDatabase, queryRows } from '../../src/server/platform/db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A file holding a migrated embedded database (PGlite runs only); see embedded-template.ts. */
    embeddedTemplatePath: string;
  }
}

/**
 * On PGlite, migrate one in-memory database and save a copy that every test's database starts
 * from (creating an empty PGlite database takes ~3 s; loading the copy 0.7 s).
 *
 * On PostgreSQL, apply migrations once before any test file opens its pool, and drop the jobs an
 * earlier run left unfinished: the test database outlives a run, and a test's worker would take an
 * old run's job (for a user and a fake Google that no longer answer) before its own.
 */
export default async function setup(project: TestProject) {
  if (!process.env.DATABASE_URL) {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mindfulcrm-test-'));
    const file = path.join(folder, 'migrated.tar');
    const dump = await dumpMigratedEmbeddedDatabase();
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('embeddedTemplatePath', file);
    return () => fs.rmSync(folder, { recursive: true, force: true });
  }
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, log: pino({ level: 'silent' }) });
  try {
    await database.migrate();
    const [queue] = await queryRows<{ exists: boolean }>(database.db, sql`select to_regclass('pgboss.job') is not null as exists`);
    if (queue?.exists) await queryRows(database.db, sql`delete from pgboss.job where state in ('created', 'retry', 'active')`);
  } finally {
    await database.close();
  }
}
