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
const cli = (args: string[], options: { input?: string; env?: Record<string, string> } = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL ?? '', LOG_LEVEL: 'warn', ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 300_000,
  });

let t: TestApp | undefined;
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('creates an account from a password on standard input, and refuses bad or duplicate input with a clear message', {
  timeout: 600_000,
}, async () => {
  const email = uniqueEmail('cli');
  const created = cli(['create-user', '--email', email, '--name', 'Åsa Öberg'], { input: 'a long enough password\n' });
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect(created.stdout).toContain(`Created user ${email}`);

  const duplicate = cli(['create-user', '--email', email.toUpperCase()], { input: 'a long enough password\n' });
  expect(duplicate.status).toBe(2);
  expect(duplicate.stderr).toContain('already exists');

  const bad = cli(['create-user', '--email', 'not-an-email'], { input: 'short\n' });
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--email: must be a valid email address/);
  expect(bad.stderr).toMatch(/password: must be at least 10 characters/);

  const empty = cli(['create-user', '--email', uniqueEmail('cli-empty')], { input: '' });
  expect(empty.status).toBe(2);
  expect(empty.stderr).toMatch(/No password/);

  if (process.env.DATABASE_URL) {
    t = await createTestApp();
    const client = new TestClient(t.app);
    const login = await client.post('/api/auth/login', { email, password: 'a long enough password' });
    expect(login.status).toBe(200);
    expect(login.body.user.displayName).toBe('Åsa Öberg');
  }
});

it('reads the password from a file or an environment variable, and refuses --password', { timeout: 600_000 }, () => {
  const file = path.join(dataDir, 'password.txt');
  fs.writeFileSync(file, 'a password from a file\n', { mode: 0o600 });
  const fromFile = cli(['create-user', '--email', uniqueEmail('cli-file'), '--password-file', file]);
  expect(fromFile.stderr).toBe('');
  expect(fromFile.status).toBe(0);

  const fromEnv = cli(['create-user', '--email', uniqueEmail('cli-env'), '--password-env', 'NEW_USER_PASSWORD'], {
    env: { NEW_USER_PASSWORD: 'a password from the environment' },
  });
  expect(fromEnv.stderr).toBe('');
  expect(fromEnv.status).toBe(0);

  const missingEnv = cli(['create-user', '--email', uniqueEmail('cli-env'), '--password-env', 'NOT_SET_ANYWHERE']);
  expect(missingEnv.status).toBe(2);
  expect(missingEnv.stderr).toMatch(/NOT_SET_ANYWHERE is not set/);

  const onCommandLine = cli(['create-user', '--email', uniqueEmail('cli-argv'), '--password', 'a long enough password']);
  expect(onCommandLine.status).toBe(2);
  expect(onCommandLine.stderr).toMatch(/--password is not accepted/);
  expect(onCommandLine.stderr).not.toContain('a long enough password');
});

it('prints usage for an unknown command', () => {
  const result = cli(['frobnicate']);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('Unknown command "frobnicate"');
  expect(result.stderr).toContain('create-user');
});
