import fs from 'node:fs';
import { inject } from 'vitest';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/server/platform/db.js';

let template: Blob | undefined;

/** The migrated database that global-setup.ts saved, read once per test file. */
function migratedTemplate(): Blob | undefined {
  if (process.env.DATABASE_URL) return undefined;
  const file = inject('embeddedTemplatePath');
  if (!file) return undefined;
  template ??= new Blob([fs.readFileSync(file)]);
  return template;
}

/**
 * openDatabase for tests: an in-memory database starts as a copy of the migrated one (the caller
 * may still call migrate(), which then finds nothing to apply).
 */
export function openTestDatabase(options: DatabaseOptions): Promise<Database> {
  const inMemory = !options.databaseUrl && !options.dataDir;
  return openDatabase(inMemory ? { ...options, loadFrom: migratedTemplate() } : options);
}
