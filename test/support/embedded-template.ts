import fs from 'node:fs';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/server/platform/db.js';

let template: Blob | undefined;

/**
 * The migrated database that global-setup.ts saved, read once per test file. Outside vitest (the
 * benchmark uses these helpers too) there is none.
 */
async function migratedTemplate(): Promise<Blob | undefined> {
  if (process.env.DATABASE_URL || !process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  const file = inject('embeddedTemplatePath');
  if (!file) return undefined;
  template ??= new Blob([fs.readFileSync(file)]);
  return template;
}

/**
 * openDatabase for tests: an in-memory database starts as a copy of the migrated one (the caller
 * may still call migrate(), which then finds nothing to apply).
 */
export async function openTestDatabase(options: DatabaseOptions): Promise<Database> {
  const inMemory = !options.databaseUrl && !options.dataDir;
  return openDatabase(inMemory ? { ...options, loadFrom: await migratedTemplate() } : options);
}
