import { defineConfig } from 'vitest/config';

// Browser tests: one build and one real server for the whole run (see test/e2e/support/global-setup.ts),
// files one after another so the server, Chromium and the tests share this machine's two cores calmly.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    testTimeout: 90_000,
    // A shared 2-core machine can take more than the default second to settle a page.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
