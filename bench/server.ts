import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import crypto from 'node:crypto';
import { childrenOf } from '../test/support/memory.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export type RunningServer = {
  url: string;
  pid: number;
  rssMb(): number;
  /** The highest resident set any child process of the server reached (the photo worker), in MB. */
  childPeakMb(): number;
  /** Where the memory is, from the server's /metrics: V8's heap (used and reserved) and the embedded database's WebAssembly memory, in MB. */
  memory(): Promise<{ heapUsedMb: number; heapTotalMb: number; databaseMb: number }>;
  /** The server's /metrics text (Prometheus exposition). */
  metricsText(): Promise<string>;
  stop(): Promise<void> /** The last lines it printed (warnings and errors). */;
  logTail(): string;
};

/** A process's resident set now (VmRSS) and its peak since start (VmHWM), in MB; 0 once it has exited. */
export function processMemoryMb(pid: number): { rss: number; hwm: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
    return { rss: mb('VmRSS'), hwm: mb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * What the launcher's first line (#!/usr/bin/env -S NAME=value … node --flag …) sets, which operators
 * get too: its environment assignments and its Node flags.
 */
export function launcherSettings(): { env: Record<string, string>; nodeFlags: string[] } {
  // BENCH_MEMORY_SETTINGS=off: the settings before issue 17 (heap cap only, PostgreSQL's 128 MB of
  // shared buffers), for the A/B comparison of throughput against the memory settings.
  if (process.env.BENCH_MEMORY_SETTINGS === 'off') return { env: { EMBEDDED_CACHE_MB: '128' }, nodeFlags: ['--max-old-space-size=256'] };
  const shebang = fs.readFileSync('bin/mindfulcrm.mjs', 'utf8').split('\n', 1)[0]!;
  const parts = shebang.split(/\s+/);
  const env = Object.fromEntries(
    parts.filter((p) => /^[A-Z_]+=/.test(p)).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
  // BENCH_NODE_FLAGS: other Node flags than the launcher's, to compare them.
  const nodeFlags = process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? parts.filter((part) => part.startsWith('--'));
  return { env, nodeFlags };
}

/** Starts the built server in production mode as a separate process, the way an operator would. */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<RunningServer> {
  const port = await freePort();
  const metricsToken = crypto.randomBytes(16).toString('hex');
  const launcher = launcherSettings();
  const child: ChildProcess = spawn(process.execPath, [...launcher.nodeFlags, ...nodeArgs, 'bin/mindfulcrm.mjs', 'serve'], {
    env: {
      ...process.env,
      ...launcher.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      EXPOSE_STATEMENT_COUNT: 'true',
      // The harness stands in for a load balancer on loopback that forwards client addresses.
      TRUST_PROXY: '127.0.0.1',
      METRICS_TOKEN: metricsToken,
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  if (Date.now() >= deadline) throw new Error(`server did not become ready:\n${output}`);
  const pid = child.pid!;
  const metricsText = async () => (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  // The photo worker comes and goes (it exits when idle): its high-water mark is sampled while it lives.
  let childPeak = 0;
  const sampleChildren = setInterval(() => {
    for (const kid of childrenOf(pid)) childPeak = Math.max(childPeak, processMemoryMb(kid).hwm);
  }, 100);
  sampleChildren.unref();
  child.once('exit', () => clearInterval(sampleChildren));
  return {
    url,
    pid,
    rssMb: () => processMemoryMb(pid).rss,
    childPeakMb: () => childPeak,
    metricsText,
    async memory() {
      const text = await metricsText();
      const mb = (name: string) => Math.round(Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0) / 1024 / 1024);
      return {
        heapUsedMb: mb('nodejs_heap_size_used_bytes'),
        heapTotalMb: mb('nodejs_heap_size_total_bytes'),
        databaseMb: mb('embedded_db_memory_bytes'),
      };
    },
    logTail: () => output.split('\n').slice(-20).join('\n').slice(0, 6000),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
