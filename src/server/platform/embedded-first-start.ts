/**
 * The first start of an empty data folder, run as a child process by openPglite: creating the
 * database (initdb) and applying the migrations grow PGlite's WebAssembly memory to ~700 MB, and a
 * WebAssembly memory never shrinks. Done here, that memory goes away with this process, and the
 * server opens a database that exists, at the size of any later start (ARCHITECTURE.md, memory of
 * the embedded default).
 *
 *   node embedded-first-start.js <data folder>/pgdata <cache MB>
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { embeddedStartParams } from './embedded-settings.js';
import { MIGRATIONS_FOLDER } from './migrations-folder.js';

const [dataDir, cacheMb] = process.argv.slice(2);
if (!dataDir || !cacheMb) throw new Error('usage: embedded-first-start <pgdata folder> <cache MB>');
const client = await PGlite.create({ dataDir, extensions: { pg_trgm }, startParams: embeddedStartParams(Number(cacheMb)) });
await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
await client.exec('CHECKPOINT');
await client.close();
