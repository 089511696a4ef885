import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The embedded database must keep every write it acknowledged, even when the process is killed
 * with SIGKILL (no shutdown hook runs), and must refuse a second process on the same data folder.
 * The server runs as a real child process, started from source the way `npm run dev` does.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = 10;
const WRITERS = 4;

type Exit = { code: number | null; signal: NodeJS.Signals | null; stderr: string };
type Server = { child: ChildProcess; url: string; exited: Promise<Exit> };

const children = new Set<ChildProcess>();
let dataDir: string | undefined;

function spawnServer(dir: string): { child: ChildProcess; exited: Promise<Exit>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dir,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stderr });
    }),
  );
  return { child, exited, output: () => stdout };
}

async function startServer(dir: string): Promise<Server> {
  const { child, exited, output } = spawnServer(dir);
  // Generous: a first start migrates a fresh database, and CI machines are shared.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const match = /MindfulCRM is running at (http:\/\/\S+)/.exec(output());
    if (match) return { child, url: match[1]!, exited };
    const early = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 100))]);
    if (early) throw new Error(`the server exited before listening (code ${early.code}):\n${early.stderr}`);
    if (Date.now() > deadline) throw new Error(`the server did not start in 180 s:\n${output()}`);
  }
}

/** A cookie-keeping HTTP client that sends the CSRF header, like the web app. */
function createClient() {
  const cookies = new Map<string, string>();
  return {
    async request(base: string, method: string, url: string, body?: unknown) {
      const res = await fetch(base + url, {
        method,
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(method === 'GET' ? {} : { 'x-csrf-token': cookies.get('mcrm_csrf') ?? '' }),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
    },
  };
}
type Client = ReturnType<typeof createClient>;

async function listContactIds(client: Client, base: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const res = await client.request(
      base,
      'GET',
      `/api/contacts?limit=200&sort=created${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, res.text).toBe(200);
    for (const c of res.body.items as { id: string; name: string }[]) found.set(c.id, c.name);
    cursor = res.body.nextCursor;
  } while (cursor);
  return found;
}

/** Streams creates from several writers; kills the server with SIGKILL once `killAfter` are acknowledged. */
async function streamUntilKilled(client: Client, server: Server, round: number, killAfter: number) {
  const acknowledged = new Map<string, string>();
  let inFlight = 0;
  let inFlightAtKill = -1;
  let sent = 0;
  const writer = async () => {
    while (inFlightAtKill < 0) {
      const name = `Durable ${round}-${++sent} Zoë 🌿`;
      inFlight += 1;
      try {
        const res = await client.request(server.url, 'POST', '/api/contacts', { name, emails: [`durable-${round}-${sent}@example.test`] });
        if (res.status === 201) acknowledged.set(res.body.id, name);
        if (acknowledged.size >= killAfter && inFlightAtKill < 0) {
          inFlightAtKill = inFlight - 1;
          server.child.kill('SIGKILL');
        }
      } catch {
        // The connection died with the process: this write was never acknowledged.
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  const exit = await server.exited;
  return { acknowledged, inFlightAtKill, exit };
}

describe.skipIf(!!process.env.DATABASE_URL)('embedded database durability (PGlite only: skipped when DATABASE_URL is set)', () => {
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write across ten SIGKILLs, and refuses a second process on the folder', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mindfulcrm-durability-'));
    let server = await startServer(dataDir);

    const second = spawnServer(dataDir);
    const refused = await second.exited;
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toMatch(/already in use by another MindfulCRM process/);

    const client = createClient();
    await client.request(server.url, 'GET', '/api/auth/csrf');
    const signup = await client.request(server.url, 'POST', '/api/auth/signup', {
      email: 'durable@example.test',
      password: 'correct horse battery staple',
      displayName: 'Durable',
    });
    expect(signup.status, signup.text).toBe(201);

    const everAcknowledged = new Map<string, string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const { acknowledged, inFlightAtKill, exit } = await streamUntilKilled(client, server, round, 5 + ((round * 7) % 25));
      expect(exit.signal).toBe('SIGKILL');
      expect(inFlightAtKill, 'the kill landed while writes were in flight').toBeGreaterThan(0);
      for (const [id, name] of acknowledged) everAcknowledged.set(id, name);

      server = await startServer(dataDir);
      const stored = await listContactIds(client, server.url);
      const missing = [...everAcknowledged].filter(([id, name]) => stored.get(id) !== name);
      expect(missing, `round ${round}: acknowledged contacts lost after SIGKILL`).toEqual([]);
    }
    expect(everAcknowledged.size).toBeGreaterThanOrEqual(ROUNDS * 5);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 600_000);
});
