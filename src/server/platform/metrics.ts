import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { Database } from './db.js';
import type { JobRunner } from './jobs.js';
import { TallyHistogram } from './tally-histogram.js';

/** One registry per app instance (tests build many apps in one process). */
export function createMetrics(deps: {
  database: Database;
  cache: { stats(): { hits: number; misses: number; computations: number; bytes: number } };
  jobs?: JobRunner;
  images?: { stats(): { active: number; waiting: number } };
  /** The outbound client's calls, errors and latency per provider (platform/outbound). */
  outbound?: { metrics: readonly Metric[] };
  /** Model calls, tokens and cost per task and model (modules/ai). */
  ai?: { metrics: readonly Metric[] };
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  for (const metric of [...(deps.outbound?.metrics ?? []), ...(deps.ai?.metrics ?? [])]) registry.registerMetric(metric);

  // Observed on every request: a tally that prom-client's registry formats when scraped.
  const httpDuration = new TallyHistogram(
    'http_request_duration_seconds',
    'Request latency by route and status',
    ['method', 'route', 'status'],
    [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registry,
  );
  const statementsPerRequest = new TallyHistogram(
    'http_request_sql_statements',
    'SQL statements issued per request, by route',
    ['route'],
    [0, 1, 2, 3, 5, 8, 13, 21, 50],
    registry,
  );
  const sqlStatements = new Counter({ name: 'db_statements_total', help: 'SQL statements issued', registers: [registry] });
  let lastStatementCount = 0;
  const pool = new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = deps.database.poolStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
      const count = deps.database.statementCount();
      sqlStatements.inc(count - lastStatementCount);
      lastStatementCount = count;
    },
  });
  new Gauge({
    name: 'embedded_db_memory_bytes',
    help: 'The embedded database’s WebAssembly memory (it grows and never shrinks); 0 on PostgreSQL',
    registers: [registry],
    collect() {
      this.set(deps.database.pglite?.Module.wasmMemory.buffer.byteLength ?? 0);
    },
  });
  const cacheOps = new Gauge({
    name: 'cache_operations',
    help: 'Practice read-cache lookups since start (dashboard, contact pages and details), by result',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const stats = deps.cache.stats();
      this.set({ result: 'hit' }, stats.hits);
      this.set({ result: 'miss' }, stats.misses);
    },
  });
  new Gauge({
    name: 'cache_computations',
    help: 'Practice reads computed by this process (a miss is otherwise answered by a copy another instance shared)',
    registers: [registry],
    collect() {
      this.set(deps.cache.stats().computations);
    },
  });
  new Gauge({
    name: 'cache_local_bytes',
    help: 'Bytes held by this process in its local read cache',
    registers: [registry],
    collect() {
      this.set(deps.cache.stats().bytes);
    },
  });
  const jobQueueDepth = new Gauge({
    name: 'job_queue_depth',
    help: 'Queued jobs by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const depths: Record<string, number> = (await deps.jobs?.queueDepths().catch(() => ({}))) ?? {};
      for (const [queue, depth] of Object.entries(depths)) this.set({ queue }, depth);
    },
  });
  const imageJobs = new Gauge({
    name: 'image_jobs',
    help: 'Photo processing jobs by state (bounded per process)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = deps.images?.stats();
      if (!stats) return;
      this.set({ state: 'active' }, stats.active);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  const jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Job run time by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [registry],
  });

  const jobObserver = {
    onJobDone: (queue: string, outcome: 'completed' | 'failed', seconds: number) => jobDuration.observe({ queue, outcome }, seconds),
  };

  return {
    registry,
    jobObserver,
    imageJobs,
    httpDuration,
    statementsPerRequest,
    pool,
    cacheOps,
    jobQueueDepth,
    jobDuration,
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
