/**
 * The first start of an empty data folder, run as a child process by openPglite: creating the
 * database (initdb) and applying the migrations grow PGlite's WebAssembly memory to ~700 MB, and a
 * WebAssembly memory never shrinks. Done here, that memory goes away with this process, and the
 * server opens a database that exists, at the size of any later start (ARCHITECTURE.md, memory of
 * the embedded default).
 *
 *   node embedded-first-start.js <data folder>/pgdata <cache MB>
 */
import { createEmbeddedDatabase } from './db.js';

const [dataDir, cacheMb] = process.argv.slice(2);
if (!dataDir || !cacheMb) throw new Error('usage: embedded-first-start <pgdata folder> <cache MB>');
await createEmbeddedDatabase(dataDir, Number(cacheMb));
