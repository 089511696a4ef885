#!/usr/bin/env -S node --max-old-space-size=256
// The heap cap above is part of the memory budget (server RSS under load ≤ 250 MB): without it V8
// sizes the heap from the machine's RAM and lets garbage pile up to well past the budget before
// collecting. Live data stays far below it. The benchmark starts the server with these same flags.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('MindfulCRM is not built yet. Run "npm run build" (or "npm start") first.\n');
  process.exit(2);
}
await import(entry);
