import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { openDatabase } from '../src/server/platform/db.js';
import { seedPractice } from '../src/server/seed/seed-practice.js';
import { startServer, type RunningServer } from './server.js';
import { startCeiling } from './ceiling.js';
import { runLoad, type LoadRequest } from './load.js';
import { buildContext } from './context.js';
import { SCENARIOS, type BenchContext, type Scenario } from './scenarios.js';
import { SIZES, type Size } from './sizes.js';
import { writeResults, type Row } from './report.js';
import { judge, judgeTenantScaling } from './budgets.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string' },
    // Writes a V8 CPU profile of the server per size into bench/profiles/ (open in Chrome DevTools).
    profile: { type: 'boolean', default: false },
  },
});

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const databaseUrl = process.env.DATABASE_URL;

/** A fresh database per size: a new PostgreSQL database, or a new PGlite folder. */
async function prepareDatabase(size: Size) {
  if (databaseUrl) {
    const name = `mcrm_bench_${size.name.replace(/\W+/g, '_').toLowerCase().slice(0, 20)}_${crypto.randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString(), DATABASE_POOL_SIZE: '20' } as Record<string, string>,
      open: () => openDatabase({ databaseUrl: url.toString(), log: pino({ level: 'silent' }) }),
      async drop() {
        const c = new pg.Client({ connectionString: databaseUrl });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-bench-'));
  return {
    env: { DATA_DIR: dir } as Record<string, string>,
    open: () => openDatabase({ dataDir: dir, log: pino({ level: 'silent' }) }),
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function statementsOf(url: string, req: LoadRequest): Promise<number | null> {
  const res = await fetch(`${url}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
  await res.arrayBuffer();
  const header = res.headers.get('x-db-statements');
  return header === null ? null : Number(header);
}

/** Each read after a cache-dropping write, sequentially: what a user sees after any change. */
async function runCold(url: string, read: LoadRequest, write: LoadRequest, iterations: number) {
  const latencies: number[] = [];
  let errors = 0;
  let statements: number | null = null;
  for (let i = 0; i < iterations; i++) {
    const w = await fetch(`${url}${write.path}`, { method: write.method, headers: write.headers, body: write.body });
    await w.arrayBuffer();
    const started = performance.now();
    const res = await fetch(`${url}${read.path}`, { headers: read.headers });
    await res.arrayBuffer();
    latencies.push(performance.now() - started);
    if (!res.ok) errors += 1;
    statements = Number(res.headers.get('x-db-statements'));
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const total = latencies.reduce((a, b) => a + b, 0);
  return { reqPerSec: Math.round((iterations * 1000) / total), p50: pct(50), p99: pct(99), errors, statements };
}

async function runScenario(size: Size, scenario: Scenario, ctx: BenchContext, server: RunningServer, seconds: number): Promise<Row[]> {
  const rows: Row[] = [];
  const requests = scenario.requests(ctx);
  if (!requests.length) return rows;
  for (const connections of scenario.concurrency ?? size.concurrency) {
    let rss = server.rssMb();
    const base = { size: size.name, scenario: scenario.name, connections };
    if (scenario.coldWith) {
      const cold = await runCold(server.url, requests[0]!, scenario.coldWith(ctx), Math.max(50, seconds * 20));
      rows.push(judge({ ...base, ...cold, rssMb: server.rssMb() }, scenario));
      continue;
    }
    const result = await runLoad({ url: server.url, requests, connections, seconds, onTick: () => (rss = Math.max(rss, server.rssMb())) });
    const row: Row = {
      ...base,
      ...result,
      errors: result.errors + result.non2xx,
      statements: await statementsOf(server.url, requests[0]!),
      rssMb: rss,
      verdict: '',
    };
    if (scenario.hasCeiling) {
      const res = await fetch(`${server.url}${requests[0]!.path}`, { headers: requests[0]!.headers });
      const ceiling = await startCeiling(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type') ?? 'application/json');
      const bare = await runLoad({ url: ceiling.url, requests: [{ method: 'GET', path: '/' }], connections, seconds });
      await ceiling.stop();
      row.ceilingReqPerSec = bare.reqPerSec;
      row.ceilingP99 = bare.p99;
      row.ceilingRatio = bare.reqPerSec ? row.reqPerSec / bare.reqPerSec : undefined;
    }
    rows.push(judge(row, scenario));
    log(
      `  ${scenario.name} c=${connections}: ${row.reqPerSec} req/s p50 ${row.p50} ms p99 ${row.p99} ms errors ${row.errors} ${JSON.stringify(result.statusCodes)} SQL ${row.statements} RSS ${row.rssMb} MB ${row.verdict}`,
    );
  }
  return rows;
}

async function runSize(size: Size, seconds: number): Promise<Row[]> {
  log(`\n== ${size.name}: seeding ${size.users} user(s) × ${size.contactsPerUser} contacts`);
  const target = await prepareDatabase(size);
  let server: RunningServer | undefined;
  try {
    const database = await target.open();
    await database.migrate();
    const seeded = await seedPractice(database, {
      users: size.users,
      contactsPerUser: size.contactsPerUser,
      interactionsPerContact: size.interactionsPerContact,
      emailPrefix: `bench-${crypto.randomBytes(3).toString('hex')}`,
    });
    await database.close();
    log(`   seeded in ${seeded.seconds.toFixed(1)} s: ${JSON.stringify(seeded.rows)}`);
    const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('bench/profiles')}`] : [];
    server = await startServer({ ...target.env, ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) }, profileArgs);
    const ctx = await buildContext(server.url, seeded.users, seeded.password, size.users);
    const wanted = SCENARIOS.filter(
      (s) => (!size.scenarios || size.scenarios.includes(s.name)) && (!values.only || s.name.includes(values.only)),
    );
    const rows: Row[] = [];
    for (const scenario of wanted) {
      const missing = scenario.needs.filter((r) => !ctx.routes.has(r));
      if (missing.length) {
        log(`  ${scenario.name}: skipped (${missing.join(', ')} not present yet)`);
        continue;
      }
      rows.push(...(await runScenario(size, scenario, ctx, server, seconds)));
    }
    return rows;
  } finally {
    await server?.stop();
    await target.drop();
  }
}

async function main() {
  if (!fs.existsSync('dist/cli/main.js')) throw new Error('Build first: npm run build');
  const names = values.quick ? ['quick'] : (values.sizes?.split(',') ?? ['spec', 'large', 'multi']);
  const rows: Row[] = [];
  const failures: string[] = [];
  for (const name of names) {
    const size = SIZES[name];
    if (!size) throw new Error(`Unknown size ${name}; choose from ${Object.keys(SIZES).join(', ')}`);
    try {
      rows.push(...(await runSize(size, values.seconds ? Number(values.seconds) : size.seconds)));
    } catch (err) {
      // One size failing (a server that would not start, say) still leaves the others' results.
      failures.push(`${size.name}: ${(err as Error).message}`);
      log(`  ${size.name} failed: ${(err as Error).stack ?? err}`);
    }
  }
  judgeTenantScaling(
    rows,
    { size: SIZES.large!.name, scenario: 'contacts first page' },
    { size: SIZES.multi!.name, scenario: 'contacts first page, many tenants' },
  );
  const meta = {
    date: new Date().toISOString(),
    database: databaseUrl ? 'PostgreSQL' : 'PGlite (embedded)',
    redis: process.env.REDIS_URL ? 'yes' : 'no',
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
  };
  const files = writeResults(rows, meta);
  log(`\nResults: ${files.json}\n${fs.readFileSync(files.markdown, 'utf8')}`);
  if (failures.length) throw new Error(`Some sizes failed:\n${failures.join('\n')}`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
