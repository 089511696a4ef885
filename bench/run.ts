import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { seedPractice } from '../src/server/seed/seed-practice.js';
import { processMemoryMb, startServer, type RunningServer } from './server.js';
import { startCeiling } from './ceiling.js';
import { runLoad, type LoadRequest } from './load.js';
import { buildContext } from './context.js';
import { SCENARIOS, type BenchContext, type Scenario } from './scenarios.js';
import { OPERATIONS } from './operations.js';
import { SIZES, type Size } from './sizes.js';
import { writeResults, type OperationRow, type Row, type ServerStart } from './report.js';
import { DATABASE_LABELS, parseDatabases, prepareTarget, type DatabaseChoice } from './targets.js';
import { judge, judgeTenantScaling } from './budgets.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    only: { type: 'string' },
    seconds: { type: 'string' },
    // embedded, postgres, postgres+redis (comma-separated: each size runs on each, side by side).
    databases: { type: 'string' },
    // Writes a V8 CPU profile of the server per size into bench/profiles/ (open in Chrome DevTools).
    profile: { type: 'boolean', default: false },
    // Runs of a route and its ceiling, interleaved, for the scenarios judged against the ceiling: the
    // medians are reported (a noisy machine moves one run of either by half). 3 unless --quick.
    rounds: { type: 'string' },
  },
});

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const ceilingRounds = Math.max(1, Number(values.rounds ?? (values.quick ? 1 : 3)) || 1);
/** --only "a,b": the scenarios and operations whose names contain any of the parts. */
const picked = (name: string) => !values.only || values.only.split(',').some((part) => name.includes(part.trim()));

async function statementsOf(url: string, req: LoadRequest, after?: LoadRequest): Promise<number | null> {
  if (after) await (await fetch(`${url}${after.path}`, { method: after.method, headers: after.headers, body: after.body })).arrayBuffer();
  const res = await fetch(`${url}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
  await res.arrayBuffer();
  const header = res.headers.get('x-db-statements');
  return header === null ? null : Number(header);
}

/** Each read after a cache-dropping write, sequentially: what a user sees after any change. */
async function runCold(url: string, read: LoadRequest, write: LoadRequest, iterations: number, onTick: () => void) {
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
    onTick();
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  const total = latencies.reduce((a, b) => a + b, 0);
  return { reqPerSec: Math.round((iterations * 1000) / total), p50: pct(50), p99: pct(99), errors, statements };
}

/** Samples the server's RSS while a scenario runs: at its start, the highest seen, and at its end. */
function rssTracker(server: RunningServer) {
  const start = server.rssMb();
  let peak = start;
  return {
    tick: () => {
      peak = Math.max(peak, server.rssMb());
    },
    done: () => {
      const after = server.rssMb();
      return { rssStartMb: start, rssPeakMb: Math.max(peak, after), rssAfterMb: after };
    },
  };
}

/** A bare server answering the route's own bytes: the ceiling for its body size. */
async function ceilingFor(url: string, req: LoadRequest) {
  const res = await fetch(`${url}${req.path}`, { headers: req.headers });
  return startCeiling(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type') ?? 'application/json');
}

/** The run with the median request rate (the lower middle one of an even count). */
function medianRun<T extends { reqPerSec: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor((runs.length - 1) / 2)]!;
}

type RunInfo = { size: Size; database: DatabaseChoice; server: RunningServer; ctx: BenchContext; seconds: number };

async function runScenario(scenario: Scenario, run: RunInfo): Promise<Row[]> {
  const { size, server, ctx, seconds } = run;
  const rows: Row[] = [];
  const requests = scenario.requests(ctx);
  if (!requests.length) return rows;
  await scenario.prepare?.(server.url, ctx);
  for (const connections of scenario.concurrency ?? size.concurrency) {
    const rss = rssTracker(server);
    const base = { database: run.database, size: size.name, scenario: scenario.name, connections };
    if (scenario.coldWith) {
      const cold = await runCold(server.url, requests[0]!, scenario.coldWith(ctx), Math.max(50, seconds * 20), rss.tick);
      rows.push(judge({ ...base, ...cold, ...rss.done() }, scenario));
      continue;
    }
    const rounds = scenario.hasCeiling ? ceilingRounds : 1;
    // Several rounds share the scenario's time: each pair of runs is half of it (at least 2 s).
    const roundSeconds = rounds > 1 ? Math.max(2, Math.round(seconds / 2)) : seconds;
    const runs: Awaited<ReturnType<typeof runLoad>>[] = [];
    const bares: Awaited<ReturnType<typeof runLoad>>[] = [];
    const ceiling = scenario.hasCeiling ? await ceilingFor(server.url, requests[0]!) : undefined;
    // The bare server has nothing to warm up; the route's code is compiled by V8 as it runs, so the
    // first second of it is not measured (the first scenario after start would lose to that alone).
    if (ceiling) await runLoad({ url: server.url, requests, connections, seconds: 1 });
    for (let round = 0; round < rounds; round++) {
      runs.push(await runLoad({ url: server.url, requests, connections, seconds: roundSeconds, onTick: rss.tick }));
      if (ceiling)
        bares.push(await runLoad({ url: ceiling.url, requests: [{ method: 'GET', path: '/' }], connections, seconds: roundSeconds }));
    }
    await ceiling?.stop();
    const result = medianRun(runs);
    const row: Row = {
      ...base,
      ...result,
      errors: runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
      statements: await statementsOf(server.url, requests[0]!, scenario.statementsAfter?.(ctx)),
      ...rss.done(),
      verdict: '',
    };
    if (bares.length) {
      const bare = medianRun(bares);
      row.ceilingReqPerSec = bare.reqPerSec;
      row.ceilingP99 = bare.p99;
      // Each round's run against the ceiling run right after it: a burst of noise on the machine
      // moves one round's pair, and the median of the pairs' ratios leaves it out.
      const ratios = runs.map((r, i) => (bares[i]!.reqPerSec ? r.reqPerSec / bares[i]!.reqPerSec : 0));
      row.ceilingRatio = [...ratios].sort((a, b) => a - b)[Math.floor((ratios.length - 1) / 2)];
    }
    const spread =
      rounds > 1
        ? ` (${rounds} rounds: ${runs.map((r, i) => `${r.reqPerSec}/${bares[i]?.reqPerSec}`).join(', ')} req/s against the ceiling; the ratio is the median of the rounds' ratios)`
        : '';
    rows.push(judge(row, scenario));
    log(
      `  ${scenario.name} c=${connections}: ${row.reqPerSec} req/s p50 ${row.p50} ms p99 ${row.p99} ms errors ${row.errors} ${JSON.stringify(result.statusCodes)} SQL ${row.statements} RSS ${row.rssStartMb}/${row.rssPeakMb}/${row.rssAfterMb} MB ${row.verdict}${spread}`,
    );
  }
  return rows;
}

/** The one-shot operations (exports, merges, imports, syncs): wall time and the RSS they took. */
async function runOperations(run: RunInfo, seededRows: number): Promise<OperationRow[]> {
  const rows: OperationRow[] = [];
  for (const op of OPERATIONS.filter((o) => picked(o.name))) {
    const missing = op.needs.filter((r) => !run.ctx.routes.has(r));
    if (missing.length) {
      log(`  ${op.name}: skipped (${missing.join(', ')} not present yet)`);
      continue;
    }
    const rss = rssTracker(run.server);
    const ticker = setInterval(rss.tick, 100);
    try {
      const results = await op.run(run.server.url, run.ctx, seededRows, { database: run.database, size: run.size });
      const memory = { ...rss.done(), ...(await run.server.memory().catch(() => ({}))) };
      for (const r of results) {
        const { step, ...result } = r;
        rows.push({ database: run.database, size: run.size.name, operation: step ? `${op.name}: ${step}` : op.name, ...result, ...memory });
        log(
          `  ${op.name}: ${r.wallMs} ms for ${r.units} ${r.unit}${r.note ? ` (${r.note})` : ''} RSS ${memory.rssStartMb}/${memory.rssPeakMb}/${memory.rssAfterMb} MB${'heapTotalMb' in memory ? ` (heap ${memory.heapUsedMb}/${memory.heapTotalMb} MB, database ${memory.databaseMb} MB)` : ''}`,
        );
      }
    } catch (err) {
      log(`  ${op.name} failed: ${(err as Error).message}\n${run.server.logTail()}`);
    } finally {
      clearInterval(ticker);
    }
  }
  return rows;
}

async function runSize(
  size: Size,
  database: DatabaseChoice,
  seconds: number,
  starts: ServerStart[],
  operations: OperationRow[],
): Promise<Row[]> {
  log(`\n== ${size.name} on ${DATABASE_LABELS[database]}: seeding ${size.users} user(s) × ${size.contactsPerUser} contacts`);
  const target = await prepareTarget(database, size, process.env);
  let server: RunningServer | undefined;
  try {
    const db = await target.open();
    await db.migrate();
    const seeded = await seedPractice(db, {
      users: size.users,
      contactsPerUser: size.contactsPerUser,
      interactionsPerContact: size.interactionsPerContact,
      emailPrefix: `bench-${crypto.randomBytes(3).toString('hex')}`,
    });
    await db.close();
    log(`   seeded in ${seeded.seconds.toFixed(1)} s: ${JSON.stringify(seeded.rows)}`);
    const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('bench/profiles')}`] : [];
    server = await startServer(target.env, profileArgs);
    const readyMb = server.rssMb();
    const ctx = await buildContext(server.url, seeded.users, seeded.password, size.users);
    // V8 compiles the request path while it runs, and on two busy cores its compiler threads wait:
    // a few seconds of reads first, so the first scenario is not measured against a cold process.
    await runLoad({
      url: server.url,
      requests: [{ method: 'GET', path: '/api/auth/me', headers: ctx.headers }],
      connections: 50,
      seconds: 5,
    });
    const start: ServerStart = { database, size: size.name, seedSeconds: seeded.seconds, readyMb, signedInMb: server.rssMb(), peakMb: 0 };
    starts.push(start);
    log(`   server RSS ${readyMb} MB when ready, ${start.signedInMb} MB signed in`);
    const wanted = SCENARIOS.filter((s) => (!size.scenarios || size.scenarios.includes(s.name)) && picked(s.name));
    const rows: Row[] = [];
    for (const scenario of wanted) {
      const missing = scenario.needs.filter((r) => !ctx.routes.has(r));
      if (missing.length) {
        log(`  ${scenario.name}: skipped (${missing.join(', ')} not present yet)`);
        continue;
      }
      rows.push(...(await runScenario(scenario, { size, database, server, ctx, seconds })));
    }
    if (!size.scenarios) {
      const seededRows = Object.values(seeded.rows).reduce((a, b) => a + b, 0);
      operations.push(...(await runOperations({ size, database, server, ctx, seconds }, seededRows)));
    }
    // The kernel's high-water mark catches a peak between two samples.
    start.peakMb = processMemoryMb(server.pid).hwm;
    start.childPeakMb = server.childPeakMb();
    Object.assign(start, await server.memory().catch(() => ({})));
    return rows;
  } finally {
    await server?.stop();
    await target.drop();
  }
}

async function main() {
  if (!fs.existsSync('dist/cli/main.js')) throw new Error('Build first: npm run build');
  const databases = parseDatabases(values.databases, process.env);
  const names = values.quick ? ['quick'] : (values.sizes?.split(',') ?? ['spec', 'large', 'multi']);
  const rows: Row[] = [];
  const starts: ServerStart[] = [];
  const operations: OperationRow[] = [];
  const failures: string[] = [];
  for (const name of names) {
    const size = SIZES[name];
    if (!size) throw new Error(`Unknown size ${name}; choose from ${Object.keys(SIZES).join(', ')}`);
    for (const database of databases) {
      try {
        rows.push(...(await runSize(size, database, values.seconds ? Number(values.seconds) : size.seconds, starts, operations)));
      } catch (err) {
        // One size failing (a server that would not start, say) still leaves the others' results.
        failures.push(`${size.name} on ${database}: ${(err as Error).message}`);
        log(`  ${size.name} on ${database} failed: ${(err as Error).stack ?? err}`);
      }
    }
  }
  for (const database of databases) {
    judgeTenantScaling(
      rows.filter((r) => r.database === database),
      { size: SIZES.large!.name, scenario: 'contacts first page' },
      { size: SIZES.multi!.name, scenario: 'contacts first page, many tenants' },
    );
  }
  const meta = {
    date: new Date().toISOString(),
    databases: databases.map((d) => DATABASE_LABELS[d]).join(', '),
    node: process.version,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
  };
  const files = writeResults({ meta, databases, starts, rows, operations });
  log(`\nResults: ${files.json}\n${fs.readFileSync(files.markdown, 'utf8')}`);
  if (failures.length) throw new Error(`Some sizes failed:\n${failures.join('\n')}`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
