import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { seedDemoGoogle } from '../../fakes/demo-google.js';
import { startFakeGoogle } from '../../fakes/fake-google.js';
import { startFakeOpenAi } from '../../fakes/fake-openai.js';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    bigUser: { email: string; password: string } | null;
  }
}

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BIG_CONTACTS = 10_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The embedded database only: CI's PostgreSQL/Redis settings must not leak into the browser run. */
function serverEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // Every JSON answer the browser gets is checked against its route's schema (see teardown).
    VALIDATE_RESPONSES: 'true',
    // Each browser session comes "through a proxy" on loopback with its own client address
    // (browser.ts), so the suite's many sign-ups are many clients, as they would be, and the
    // per-address sign-up limit stays what it is in production.
    TRUST_PROXY: '127.0.0.1',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return env;
}

/** A practice with 10,000 contacts, written by the seeder before the server opens the data folder. */
function seedBigPractice(env: NodeJS.ProcessEnv): { email: string; password: string } | null {
  if (process.env.E2E_SKIP_BIG === '1' || !fs.existsSync(path.join(ROOT, 'dist/cli/seed.js'))) return null;
  const out = execFileSync(
    process.execPath,
    ['bin/mindfulcrm.mjs', 'seed', '--users', '1', '--contacts', String(BIG_CONTACTS), '--interactions', '0', '--email-prefix', 'e2e-big'],
    { cwd: ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const match = /Sign in as (\S+) with the password: (\S+)/.exec(out);
  return match ? { email: match[1]!, password: match[2]! } : null;
}

async function waitForReady(url: string, server: ChildProcess, logs: () => string) {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`The server exited with code ${server.exitCode}:\n${logs()}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not become ready in 180 s:\n${logs()}`);
}

export default async function setup(project: TestProject) {
  // Vitest sets NODE_ENV=test; the build must be the production one (React's production bundle).
  if (process.env.E2E_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-e2e-'));
  const port = await freePort();
  // Google is the fake one (test/fakes), seeded with the demo calendars: the browser goes to its
  // consent page and back as it would to Google's; "Sign in with Google" shows its account chooser.
  const google = await startFakeGoogle({ accountChooser: true });
  seedDemoGoogle(google);
  // The model provider is the fake OpenAI-compatible server: AI features answer as with a real key.
  const llm = await startFakeOpenAi();
  llm.setCompletionLatency(50);
  const env = { ...serverEnv(dataDir, port), ...google.env(), AI_BASE_URL: llm.url, AI_API_KEY: 'e2e-key' };
  const bigUser = seedBigPractice(env);

  let output = '';
  let contractViolations = 0;
  const server = spawn(process.execPath, ['bin/mindfulcrm.mjs', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    contractViolations += text.split('response did not match its schema').length - 1;
    output = (output + text).slice(-20_000);
  });
  server.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForReady(baseUrl, server, () => output);

  project.provide('baseUrl', baseUrl);
  project.provide('bigUser', bigUser);

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))]);
      clearTimeout(timer);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await google.close();
    await llm.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (contractViolations) throw new Error(`${contractViolations} answers broke their response schemas:\n${output}`);
  };
}
