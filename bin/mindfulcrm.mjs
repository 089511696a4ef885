#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=32768 MALLOC_TRIM_THRESHOLD_=65536 node --max-old-space-size=256 --max-semi-space-size=2 --no-liftoff --wasm-lazy-compilation
// The first line is part of the memory budget (server RSS under load ≤ 250 MB; ARCHITECTURE.md):
// - --max-old-space-size: without a cap V8 sizes the heap from the machine's RAM and lets garbage
//   pile up well past the budget before collecting; live data stays far below it.
// - --max-semi-space-size: by default the young generation grows by tens of MB under load; 2 MB
//   (was 4) kept ~6 MB more of the budget once imports, exports and the consent ledger arrived.
// - --no-liftoff --wasm-lazy-compilation: each function of the embedded database's WebAssembly
//   is compiled once, optimised, when first called, instead of all of it by a quick tier at start
//   and the hot ones again later: ~50 MB less. No effect on PostgreSQL.
// - MALLOC_ARENA_MAX: the native threads (image processing, compilers) share two malloc arenas
//   instead of keeping one each.
// - MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_: native blocks of 32 KB and more (the buffers
//   V8 uses to compile the database's WebAssembly at start, image buffers) are mapped on their own
//   and returned to the system when freed, instead of staying in a fragmented malloc heap: the
//   memory test's server starts at ~186 MB instead of ~215 and peaks at ~227 instead of 240–258.
// The benchmark starts the server with these same settings.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('MindfulCRM is not built yet. Run "npm run build" (or "npm start") first.\n');
  process.exit(2);
}
await import(entry);
