import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.js';
import { createLogger, openRuntime } from '../../src/server/runtime.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-datadir-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const embedded = (dataDir: string, env: Record<string, string> = {}) =>
  loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '', ...env });

function memoryLog(dataDir: string) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger(embedded(dataDir), sink), text: () => lines.join('') };
}

type Exit = { code: number | null; stdout: string; stderr: string };
/** The CLI as its own process, so the lock is held by another process than the test's. */
function cli(args: string[], env: Record<string, string>, waitFor?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  const ready = waitFor
    ? new Promise<boolean>((resolve) => {
        const check = () => (waitFor.test(stdout) ? resolve(true) : undefined);
        child.stdout.on('data', check);
        void exited.then(() => resolve(false));
      })
    : Promise.resolve(true);
  return { child, exited, ready };
}

describe('file modes', () => {
  it('tightens an existing data folder to 0700 (saying so) and keeps secrets.json 0600', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    const { log, text } = memoryLog(dir);
    const runtime = await openRuntime(embedded(dir), log);
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(path.join(dir, 'secrets.json'))).toBe(0o600);
      expect(text()).toMatch(/tightened/);
    } finally {
      await runtime.close();
    }
  });

  it('creates a new data folder as 0700', { timeout: 300_000 }, async () => {
    const dir = path.join(tempDir(), 'nested', 'data');
    const runtime = await openRuntime(embedded(dir), memoryLog(dir).log);
    try {
      expect(mode(dir)).toBe(0o700);
      expect(mode(path.join(dir, 'secrets.json'))).toBe(0o600);
    } finally {
      await runtime.close();
    }
  });
});

describe('stored secrets', () => {
  it('refuses to start when ENCRYPTION_KEY differs from the stored key, and leaves the stored one alone', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const first = await openRuntime(embedded(dir, { ENCRYPTION_KEY: 'ab'.repeat(32) }), memoryLog(dir).log);
    await first.close();
    const stored = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    await expect(openRuntime(embedded(dir, { ENCRYPTION_KEY: 'cd'.repeat(32) }), memoryLog(dir).log)).rejects.toThrow(
      /ENCRYPTION_KEY .*differs from the key stored/,
    );
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toBe(stored);
    const again = await openRuntime(embedded(dir), memoryLog(dir).log);
    expect(again.secrets.encryptionKey).toBe('ab'.repeat(32));
    await again.close();
  });
});

describe('data-folder lock', () => {
  it('refuses a second process while the first holds the folder, before it touches the secrets', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const runtime = await openRuntime(embedded(dir), memoryLog(dir).log);
    try {
      const before = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
      const second = await cli(['migrate'], { DATA_DIR: dir, ENCRYPTION_KEY: 'ef'.repeat(32), SESSION_SECRET: 'y'.repeat(40) }).exited;
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/already in use by another MindfulCRM process/);
      expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toBe(before);
    } finally {
      await runtime.close();
    }
  });

  it('lets exactly one of two processes started together serve', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    const a = cli(['serve'], { DATA_DIR: dir }, /MindfulCRM is running/);
    const b = cli(['serve'], { DATA_DIR: dir }, /MindfulCRM is running/);
    try {
      const first = await Promise.race([a.ready.then((ok) => (ok ? a : b)), b.ready.then((ok) => (ok ? b : a))]);
      const other = first === a ? b : a;
      const refused = await other.exited;
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(/already in use/);
      expect(await first.ready).toBe(true);
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      await Promise.all([a.exited, b.exited]);
    }
  });

  it('starts despite an old lock file naming a live, unrelated process', { timeout: 300_000 }, async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'mindfulcrm.lock'), String(process.ppid || 1));
    const runtime = await openRuntime(embedded(dir), memoryLog(dir).log);
    await runtime.close();
    // And the lock goes with the process: the folder can be opened again at once.
    const again = await openRuntime(embedded(dir), memoryLog(dir).log);
    await again.close();
  });
});
