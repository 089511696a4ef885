// `npm test`: the unit, integration and API tests, then the browser tests.
// Browser tests drive the embedded default, so the PostgreSQL pass (DATABASE_URL set) skips them.
// Without Chromium they are skipped with a hint, except in CI, where that is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const vitest = ['node_modules/vitest/vitest.mjs', 'run'];
const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
const extra = process.argv.slice(2);

// The embedded default's memory test measures a server's resident set; it runs alone, after the
// rest, so that other test files' CPU use cannot delay its garbage collection and move the figure.
const MEMORY_TEST = 'test/platform/embedded-memory.int.test.ts';
const status = extra.length ? run([...vitest, ...extra]) : run([...vitest, '--exclude', MEMORY_TEST]) || run([...vitest, MEMORY_TEST]);
if (status !== 0) process.exit(status);

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.DATABASE_URL) {
  console.log('Browser tests: skipped on the PostgreSQL pass (they run against the embedded default).');
} else if (!existsSync(chromium)) {
  if (process.env.CI) {
    console.error(`Browser tests need Chromium at ${chromium} (apt-get install chromium).`);
    process.exit(1);
  }
  console.log(`Browser tests: skipped, no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH).`);
} else {
  process.exit(run([...vitest, '--config', 'vitest.e2e.config.ts']));
}
