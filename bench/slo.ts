import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { seedPractice } from '../src/server/seed/seed-practice.js';
import { createRng } from '../src/server/seed/prng.js';
import { processMemoryMb, startServer, type RunningServer } from './server.js';
import { buildContext } from './context.js';
import { prepareTarget } from './targets.js';
import { LATE_MS, percentile, runOpenLoad, summarize, type OpenLoadResult, type OpenRequest } from './open-load.js';
import type { Size } from './sizes.js';

/**
 * The load SLO run (issue 15, item 9): an open-model load (fixed arrival rate) of 20 practitioners'
 * 80/20 read/write mix against two server instances on one PostgreSQL and one Redis, judged against
 * reads p99 ≤ 50 ms, writes p99 ≤ 100 ms, no errors and, for runs of 10 minutes or more, RSS growth
 * under 10%. README, Benchmarks.
 */
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string' },
    minutes: { type: 'string' },
    'warmup-seconds': { type: 'string', default: '10' },
    seed: { type: 'string', default: '915' },
    users: { type: 'string', default: '20' },
    contacts: { type: 'string', default: '300' },
    connections: { type: 'string', default: '64' },
    strict: { type: 'boolean', default: false },
    // Writes a V8 CPU profile of each instance into bench/profiles/ (bench/profile-summary.ts reads it).
    profile: { type: 'boolean', default: false },
  },
});

export const SLO = { readP99Ms: 50, writeP99Ms: 100, rssGrowthPct: 10, rssMinSeconds: 600 } as const;

const log = (msg: string) => process.stdout.write(`${msg}\n`);
const num = (name: string, value: string | undefined) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number (got ${value})`);
  return n;
};

type Practitioner = { headers: Record<string, string>; contactIds: string[]; taskIds: string[] };

/** What each practitioner's requests use: the first page of contacts and of tasks. */
async function loadPractitioners(url: string, sessions: Record<string, string>[]): Promise<Practitioner[]> {
  const out: Practitioner[] = [];
  for (const headers of sessions) {
    const get = async (p: string) => {
      const res = await fetch(`${url}${p}`, { headers });
      if (!res.ok) throw new Error(`${p}: ${res.status}`);
      return (await res.json()) as { items: { id: string }[] };
    };
    const contacts = await get('/api/contacts?limit=50');
    const tasks = await get('/api/tasks?limit=50');
    if (!contacts.items.length) throw new Error('a seeded practitioner has no contacts');
    out.push({ headers, contactIds: contacts.items.map((c) => c.id), taskIds: tasks.items.map((t) => t.id) });
  }
  return out;
}

/** The route names and their share of requests: 80% reads, 20% writes. */
export const MIX = [
  ['contacts page', 20],
  ['contact detail', 15],
  ['dashboard', 15],
  ['timeline', 10],
  ['tasks', 10],
  ['today', 10],
  ['PATCH contact', 6],
  ['POST interaction', 6],
  ['POST task', 4],
  ['PATCH task status', 4],
] as const;
type RouteName = (typeof MIX)[number][0];

/** The seeded chooser of requests: a practitioner at random, then a route by its share. */
function chooser(seed: number, practitioners: Practitioner[]) {
  const rng = createRng(seed);
  return (): OpenRequest => {
    const p = rng.pick(practitioners);
    const route: RouteName = rng.weighted(MIX);
    const contact = rng.pick(p.contactIds);
    const read = (path: string): OpenRequest => ({ route, klass: 'read', method: 'GET', path, headers: p.headers });
    const write = (method: 'POST' | 'PATCH', path: string, body: unknown): OpenRequest => ({
      route,
      klass: 'write',
      method,
      path,
      headers: { ...p.headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    switch (route) {
      case 'contacts page':
        return read('/api/contacts?limit=50');
      case 'contact detail':
        return read(`/api/contacts/${contact}`);
      case 'dashboard':
        return read('/api/dashboard/stats');
      case 'timeline':
        return read(`/api/contacts/${contact}/interactions?limit=50`);
      case 'tasks':
        return read('/api/tasks?limit=50');
      case 'today':
        return read('/api/today');
      case 'PATCH contact':
        return write('PATCH', `/api/contacts/${contact}`, { referralCount: rng.int(0, 99) });
      case 'POST interaction':
        return write('POST', '/api/interactions', { contactId: contact, type: 'note', subject: 'SLO run note' });
      case 'POST task':
        return write('POST', '/api/tasks', { title: 'SLO run task' });
      case 'PATCH task status':
        // A practitioner without tasks yet creates one instead.
        if (!p.taskIds.length) return write('POST', '/api/tasks', { title: 'SLO run task' });
        return write('PATCH', `/api/tasks/${rng.pick(p.taskIds)}`, { status: rng.chance(0.5) ? 'pending' : 'in_progress' });
    }
  };
}

/** A process's name and its /proc stat fields after the name (state first), or undefined once it has exited. */
function procStat(pid: number | string): { name: string; fields: number[] } | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const end = stat.lastIndexOf(')');
  return {
    name: stat.slice(stat.indexOf('(') + 1, end),
    fields: stat
      .slice(end + 2)
      .split(' ')
      .map(Number),
  };
}

/** CPU seconds a process has used (user + system), from /proc; 0 once it has exited. */
function cpuSeconds(pid: number): number {
  const f = procStat(pid)?.fields;
  return f ? (f[11]! + f[12]!) / 100 : 0;
}

/**
 * CPU seconds used so far by the PostgreSQL and Redis processes of this machine (0 when they run
 * elsewhere): every process of that name, with the CPU of its exited children (PostgreSQL's
 * backends end when a connection closes; the postmaster counts them once reaped).
 */
function serviceCpu(): { postgres: number; redis: number } {
  const totals = { postgres: 0, redis: 0 };
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    const kind = stat?.name === 'postgres' ? 'postgres' : stat?.name === 'redis-server' ? 'redis' : undefined;
    if (!kind) continue;
    const f = stat!.fields;
    totals[kind] += (f[11]! + f[12]! + f[13]! + f[14]!) / 100;
  }
  return totals;
}

/** The practice cache's counters summed over the instances, from their /metrics. */
async function cacheCounts(servers: RunningServer[]): Promise<{ hits: number; misses: number; computed: number }> {
  const texts = await Promise.all(servers.map((s) => s.metricsText().catch(() => '')));
  const sum = (re: RegExp) => texts.reduce((total, text) => total + Number(re.exec(text)?.[1] ?? 0), 0);
  return {
    hits: sum(/^cache_operations\{result="hit"\} (\S+)$/m),
    misses: sum(/^cache_operations\{result="miss"\} (\S+)$/m),
    computed: sum(/^cache_computations (\S+)$/m),
  };
}

/** The machine's busy, stolen (by the hypervisor, for other guests) and total CPU seconds so far, from /proc/stat. */
function machineCpu(): { busy: number; steal: number; total: number } {
  const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const n = ticks.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: (total - idle) / 100, steal: (n[7] ?? 0) / 100, total: total / 100 };
}

/**
 * The machine's speed right now: milliseconds this process takes for a fixed piece of the kind of
 * work a server does (serialise, parse and hash a page of 50 contacts, 2,000 times), the best of
 * three. The same build's CPU per request moved by a factor of 2–3 between days on the same
 * machine type; this figure tells a slower machine from slower code when runs are compared.
 */
function calibrationMs(): number {
  const page = {
    items: Array.from({ length: 50 }, (_, i) => ({
      id: crypto.createHash('md5').update(String(i)).digest('hex'),
      name: `Client ${i} Ñúñez 🌿`,
      emails: [`client${i}@example.test`],
      tags: [{ id: String(i), name: 'yoga', color: '#2a9d8f' }],
      lifecycleStage: 'active_client',
      lastContactAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    })),
    nextCursor: null,
  };
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    for (let k = 0; k < 2_000; k++) {
      const text = JSON.stringify(page);
      crypto.createHash('sha256').update(text).digest();
      JSON.parse(text);
    }
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Each instance's RSS, sampled every second of the measured window. */
function rssSampler(servers: RunningServer[]) {
  const samples: number[][] = servers.map(() => []);
  return {
    sample: () => servers.forEach((s, k) => samples[k]!.push(processMemoryMb(s.pid).rss)),
    summary: () =>
      samples.map((list) => {
        const start = list[0] ?? 0;
        const end = list[list.length - 1] ?? 0;
        const peak = Math.max(0, ...list);
        // Also from the end of the first minute, once the bounded caches (local LRU, JIT) have filled:
        // what keeps growing after that is what a leak would look like.
        const warm = list.length > 120 ? list[60]! : undefined;
        return {
          start,
          peak,
          end,
          growthPct: start ? ((end - start) / start) * 100 : 0,
          warm,
          warmGrowthPct: warm ? ((end - warm) / warm) * 100 : undefined,
        };
      }),
  };
}

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));

function report(opts: {
  result: OpenLoadResult;
  rss: ReturnType<ReturnType<typeof rssSampler>['summary']>;
  rate: number;
  seconds: number;
  warmup: number;
  seed: number;
  users: number;
  contacts: number;
  connections: number;
  seedSeconds: number;
  load: { before: number[]; after: number[] };
  cpu: { instances: number[]; machineBusyPct: number; machineStealPct: number; bench: number; postgres: number; redis: number };
  calibrationMs: number;
  cache?: { hits: number; misses: number; computed: number };
}) {
  const { result, rss } = opts;
  const all = [...result.routes.values()];
  const classOf = (k: 'read' | 'write') => all.filter((r) => r.klass === k);
  const summaryOf = (list: typeof all) =>
    summarize(
      list.flatMap((r) => r.latencies),
      list.map((r) => r.errors),
    );
  const reads = summaryOf(classOf('read'));
  const writes = summaryOf(classOf('write'));
  const errors = reads.errors + writes.errors;
  const judgeRss = opts.seconds >= SLO.rssMinSeconds;
  const worstGrowth = Math.max(...rss.map((r) => r.growthPct));
  const checks = [
    { name: `reads p99 ≤ ${SLO.readP99Ms} ms`, ok: reads.p99 <= SLO.readP99Ms, value: `${ms(reads.p99)} ms` },
    { name: `writes p99 ≤ ${SLO.writeP99Ms} ms`, ok: writes.p99 <= SLO.writeP99Ms, value: `${ms(writes.p99)} ms` },
    { name: '0 errors', ok: errors === 0, value: String(errors) },
    ...(judgeRss
      ? [{ name: `RSS growth < ${SLO.rssGrowthPct}%`, ok: worstGrowth < SLO.rssGrowthPct, value: `${worstGrowth.toFixed(1)}%` }]
      : []),
  ];
  const met = checks.every((c) => c.ok);
  const errs = (e: Record<string, number>) =>
    Object.keys(e).length
      ? Object.entries(e)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')
      : '0';
  const line = (name: string, s: ReturnType<typeof summaryOf>) =>
    `| ${name} | ${s.count} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | ${errs(s.errorsBy)} |`;
  const order = MIX.map(([name]) => name as string);
  const perRequest = (seconds: number) => ((seconds * 1000) / Math.max(1, result.scheduled)).toFixed(2);
  const lines = [
    `# Load SLO run, ${new Date().toISOString()}`,
    '',
    `PostgreSQL + Redis, 2 instances (requests alternate), ${opts.users} practitioners × ${opts.contacts} contacts ` +
      `(seeded in ${opts.seedSeconds.toFixed(1)} s); open model at ${opts.rate} requests/s for ${opts.seconds} s after ` +
      `${opts.warmup} s of warm-up (not measured); mix 80% reads / 20% writes; seed ${opts.seed}; ` +
      `${opts.connections} keep-alive connections per instance; node ${process.version}; ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}; load average ${opts.load.before.map((l) => l.toFixed(1)).join(' ')} ` +
      `before, ${opts.load.after.map((l) => l.toFixed(1)).join(' ')} after; calibration workload ${opts.calibrationMs.toFixed(0)} ms ` +
      `(lower is a faster machine: compare runs by it).`,
    '',
    `Latency counts from each request's scheduled time to the end of its answer. Achieved rate ` +
      `${result.achievedRate.toFixed(1)} requests/s (${result.scheduled} scheduled in ${result.measuredSeconds.toFixed(1)} s).`,
    '',
    `**Verdict: ${met ? 'SLO met' : 'SLO missed'}**${judgeRss ? '' : ` (RSS growth reported, judged only for runs of ${SLO.rssMinSeconds / 60} minutes or more)`}`,
    '',
    '| check | measured | |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.name} | ${c.value} | ${c.ok ? 'met' : '**missed**'} |`),
    '',
    '| class / route | count | p50 ms | p95 ms | p99 ms | max ms | errors |',
    '|---|---|---|---|---|---|---|',
    line('**reads**', reads),
    line('**writes**', writes),
    ...all.sort((a, b) => order.indexOf(a.route) - order.indexOf(b.route)).map((r) => line(`${r.klass}: ${r.route}`, summaryOf([r]))),
    '',
    '| instance | RSS MB at start | peak | end | growth | RSS MB after 1 min | growth from there |',
    '|---|---|---|---|---|---|---|',
    ...rss.map(
      (r, k) =>
        `| ${k + 1} | ${r.start} | ${r.peak} | ${r.end} | ${r.growthPct.toFixed(1)}% | ${r.warm ?? '–'} | ${r.warmGrowthPct === undefined ? '–' : `${r.warmGrowthPct.toFixed(1)}%`} |`,
    ),
    '',
    'The RSS rule is judged on the growth from the start of the measured window (after the warm-up); the growth from ' +
      'the end of the first minute, once the bounded caches have filled, is reported beside it.',
    '',
    `CPU over the measured window: instances ${opts.cpu.instances.map((c) => `${c.toFixed(1)} s`).join(' and ')} ` +
      `(${perRequest(opts.cpu.instances.reduce((a, b) => a + b, 0))} ms per request), ` +
      `this load generator ${opts.cpu.bench.toFixed(1)} s; the machine was ${opts.cpu.machineBusyPct.toFixed(0)}% busy ` +
      `(${os.cpus().length} cores; PostgreSQL and Redis take most of the rest; ${opts.cpu.machineStealPct.toFixed(1)}% of the time ` +
      `was taken by the hypervisor for other guests).` +
      (opts.cpu.postgres || opts.cpu.redis
        ? ` On this machine PostgreSQL used ${opts.cpu.postgres.toFixed(1)} s (${perRequest(opts.cpu.postgres)} ms per request) ` +
          `and Redis ${opts.cpu.redis.toFixed(1)} s (${perRequest(opts.cpu.redis)} ms).`
        : ''),
    '',
    ...(opts.cache
      ? [
          `Practice cache over the window (both instances): ${opts.cache.hits} hits, ${opts.cache.misses} misses, of which ` +
            `${opts.cache.computed} computed and ${Math.max(0, opts.cache.misses - opts.cache.computed)} answered by the other instance's shared copy.`,
          '',
        ]
      : []),
    `Client: ${result.late} requests sent more than ${LATE_MS} ms after their scheduled time ` +
      `(largest delay ${ms(result.maxSendLagMs)} ms), ${result.queued} found every connection of their instance busy` +
      `${result.late || result.queued ? ' — warning: the client itself added latency; the figures above include it' : ''}.`,
    '',
  ];
  return { markdown: lines.join('\n'), met };
}

async function main() {
  const env = process.env;
  if (!env.DATABASE_URL || !env.REDIS_URL) {
    throw new Error(
      'bench:slo runs on PostgreSQL + Redis: set DATABASE_URL (an account that may create databases) and REDIS_URL, e.g.\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/5 npm run bench:slo',
    );
  }
  if (!fs.existsSync('dist/cli/main.js')) throw new Error('Build first: npm run build');
  const rate = num('rate', values.rate);
  const seconds = values.minutes !== undefined ? num('minutes', values.minutes) * 60 : num('seconds', values.seconds ?? '60');
  const warmup = num('warmup-seconds', values['warmup-seconds']);
  const seed = num('seed', values.seed);
  const users = num('users', values.users);
  const contacts = num('contacts', values.contacts);
  const connections = num('connections', values.connections);
  log(`SLO run: ${rate} requests/s for ${seconds} s (+${warmup} s warm-up), seed ${seed}`);

  const size: Size = { name: 'slo', users, contactsPerUser: contacts, interactionsPerContact: 4, seconds, concurrency: [] };
  const target = await prepareTarget('postgres+redis', size, env);
  const servers: RunningServer[] = [];
  try {
    const db = await target.open();
    await db.migrate();
    const seeded = await seedPractice(db, {
      users,
      contactsPerUser: contacts,
      interactionsPerContact: 4,
      emailPrefix: `slo-${crypto.randomBytes(3).toString('hex')}`,
      seed,
    });
    await db.close();
    log(`seeded in ${seeded.seconds.toFixed(1)} s: ${JSON.stringify(seeded.rows)}`);
    // Two instances behind a stand-in load balancer: one session secret and encryption key for both.
    const shared = { SESSION_SECRET: crypto.randomBytes(32).toString('hex'), ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex') };
    const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve('bench/profiles')}`] : [];
    for (let k = 0; k < 2; k++) servers.push(await startServer({ ...target.env, ...shared }, profileArgs));
    const ctx = await buildContext(servers[0]!.url, seeded.users, seeded.password, users);
    const practitioners = await loadPractitioners(servers[1]!.url, ctx.userHeaders);
    log(`two instances ready (${servers.map((s) => s.url).join(', ')}), ${practitioners.length} practitioners signed in`);

    const calibration = calibrationMs();
    log(`calibration workload: ${calibration.toFixed(0)} ms (lower is a faster machine)`);
    const next = chooser(seed, practitioners);
    const rss = rssSampler(servers);
    const loadBefore = os.loadavg();
    let cpuAtStart: ReturnType<typeof cpuNow> | undefined;
    let cacheAtStart: ReturnType<typeof cacheCounts> | undefined;
    const cpuNow = () => ({
      instances: servers.map((s) => cpuSeconds(s.pid)),
      machine: machineCpu(),
      bench: cpuSeconds(process.pid),
      services: serviceCpu(),
    });
    const minute: Record<'read' | 'write', number[]> = { read: [], write: [] };
    const result = await runOpenLoad({
      targets: servers.map((s) => s.url),
      rate,
      seconds,
      warmupSeconds: warmup,
      connectionsPerTarget: connections,
      next: () => next(),
      onSecond: (elapsed) => {
        if (elapsed < 0) return;
        cpuAtStart ??= cpuNow();
        cacheAtStart ??= cacheCounts(servers);
        rss.sample();
        if (elapsed > 0 && elapsed % 60 === 0) {
          // The minute's own tail, so a soak shows when (and whether) it grows.
          const p99 = (xs: number[]) =>
            percentile(
              xs.sort((a, b) => a - b),
              99,
            ).toFixed(0);
          log(
            `  ${elapsed / 60} min: RSS ${servers.map((s) => s.rssMb()).join(' / ')} MB; this minute's p99 reads ${p99(minute.read)} ms, writes ${p99(minute.write)} ms`,
          );
          minute.read = [];
          minute.write = [];
        }
      },
      onAnswer: (request, latencyMs) => minute[request.klass].push(latencyMs),
    });
    rss.sample();
    const cpuEnd = cpuNow();
    const cpuStart = cpuAtStart ?? cpuEnd;
    const [cacheStart, cacheEnd] = await Promise.all([cacheAtStart, cacheCounts(servers)]);
    const { markdown, met } = report({
      result,
      rss: rss.summary(),
      rate,
      seconds,
      warmup,
      seed,
      users,
      contacts,
      connections,
      seedSeconds: seeded.seconds,
      load: { before: loadBefore, after: os.loadavg() },
      calibrationMs: calibration,
      cpu: {
        instances: cpuEnd.instances.map((c, k) => c - cpuStart.instances[k]!),
        machineBusyPct:
          (100 * (cpuEnd.machine.busy - cpuStart.machine.busy)) / Math.max(0.01, cpuEnd.machine.total - cpuStart.machine.total),
        machineStealPct:
          (100 * (cpuEnd.machine.steal - cpuStart.machine.steal)) / Math.max(0.01, cpuEnd.machine.total - cpuStart.machine.total),
        bench: cpuEnd.bench - cpuStart.bench,
        postgres: cpuEnd.services.postgres - cpuStart.services.postgres,
        redis: cpuEnd.services.redis - cpuStart.services.redis,
      },
      cache: cacheStart && {
        hits: cacheEnd.hits - cacheStart.hits,
        misses: cacheEnd.misses - cacheStart.misses,
        computed: cacheEnd.computed - cacheStart.computed,
      },
    });
    const file = path.join('bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}-slo.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, markdown);
    log(`\n${markdown}\nWritten to ${file}`);
    for (const s of servers) {
      const tail = s.logTail().trim();
      if (tail && /error|warn/i.test(tail)) log(`\nlast lines of ${s.url}:\n${tail}`);
    }
    if (values.strict && !met) process.exitCode = 1;
  } finally {
    for (const s of servers) await s.stop();
    await target.drop();
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
