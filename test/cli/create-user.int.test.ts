import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestApp, uniqueEmail, type TestApp } from '../support/app.js';
import { TestClient } from '../support/client.js';

// The CLI opens the configured database itself: the embedded one in a temp folder, or the
// PostgreSQL in DATABASE_URL, which the test app then reads to sign in.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL ?? '', LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 120_000,
  });

let t: TestApp | undefined;
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('creates an account that can sign in, and refuses bad or duplicate input with a clear message', async () => {
  const email = uniqueEmail('cli');
  const created = cli('create-user', '--email', email, '--password', 'a long enough password', '--name', 'Åsa Öberg');
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect(created.stdout).toContain(`Created user ${email}`);

  const duplicate = cli('create-user', '--email', email.toUpperCase(), '--password', 'a long enough password');
  expect(duplicate.status).toBe(2);
  expect(duplicate.stderr).toContain('already exists');

  const bad = cli('create-user', '--email', 'not-an-email', '--password', 'short');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--email: must be a valid email address/);
  expect(bad.stderr).toMatch(/--password: must be at least 10 characters/);

  if (process.env.DATABASE_URL) {
    t = await createTestApp();
    const client = new TestClient(t.app);
    const login = await client.post('/api/auth/login', { email, password: 'a long enough password' });
    expect(login.status).toBe(200);
    expect(login.body.user.displayName).toBe('Åsa Öberg');
  }
});

it('prints usage for an unknown command', () => {
  const result = cli('frobnicate');
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('Unknown command "frobnicate"');
  expect(result.stderr).toContain('create-user');
});
