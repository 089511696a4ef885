import { PgBoss, fromPglite } from 'pg-boss';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Database } from './db.js';

/** What a handler receives beside its payload; the composition root decides what `deps` holds. */
export type JobContext<Deps> = { deps: Deps; jobId: string; log: Logger };
export type JobHandler<Payload, Deps> = (payload: Payload, ctx: JobContext<Deps>) => Promise<void>;

/**
 * A job, defined once (see ARCHITECTURE.md, "Jobs"). The queue is `<name>.v<version>`: a payload
 * change that old jobs would not parse gets a new version, and the old queue drains with its own
 * handler version untouched. Handlers live in their own file and are imported on the first run, so
 * a process that never runs a job never loads its code.
 */
export type JobDefinition<Schema extends z.ZodType, Deps> = {
  name: string;
  version: number;
  payload: Schema;
  /** Attempts after the first, and the first delay; later delays grow exponentially. */
  retry?: { limit: number; delaySeconds: number };
  /**
   * Jobs with the same key never run at the same time, and at most one more waits (pg-boss's
   * `stately` policy): e.g. one sync per user and service, however often "sync now" is pressed.
   */
  singletonKey?: (payload: z.output<Schema>) => string;
  /** Cron schedule (UTC); the payload sent is `{}`, so the schema must accept it. */
  cron?: string;
  expireInSeconds?: number;
  load: () => Promise<{ handle: JobHandler<z.output<Schema>, Deps> }>;
  /**
   * Runs once when the job has failed for good (its retries spent, or its worker killed each time):
   * marks what the job was doing as failed where the user sees it (an import's status, say).
   */
  loadFailed?: () => Promise<{ handle: JobHandler<z.output<Schema>, Deps> }>;
};

export const defineJob = <Schema extends z.ZodType, Deps>(job: JobDefinition<Schema, Deps>) => job;

export const queueName = (job: { name: string; version: number }) => `${job.name}.v${job.version}`;
/** Where pg-boss moves a job that failed for good, when its definition has `loadFailed`. */
const failedQueueName = (job: { name: string; version: number }) => `${queueName(job)}.failed`;

/**
 * How fast a crashed worker's job is noticed: a running job's heartbeat is refreshed every
 * heartbeatSeconds / 2 by its worker; the supervisor (every superviseSeconds, in any process) fails
 * a job whose heartbeat is older than heartbeatSeconds, and pg-boss retries it on another worker.
 */
export type JobTimings = { heartbeatSeconds: number; superviseSeconds: number };

export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
}

type JobObserver = { onJobDone(queue: string, outcome: 'completed' | 'failed', seconds: number): void };
type AnyJob<Deps> = JobDefinition<z.ZodType, Deps>;

/**
 * Durable jobs on pg-boss, on PGlite (its fromPglite adapter) or PostgreSQL: retried with
 * exponential backoff, scheduled with cron, visible in the database. Definitions are registered
 * once at start; `start({ isWorker })` decides whether this process also runs them.
 */
export function createJobRunner<Deps = unknown>(options: { database: Database; databaseUrl?: string; log: Logger; timings?: JobTimings }) {
  const { database, log } = options;
  const timings = options.timings ?? { heartbeatSeconds: 30, superviseSeconds: 15 };
  const jobs = new Map<string, AnyJob<Deps>>();
  let boss: PgBoss | undefined;

  const createBoss = () =>
    database.kind === 'pglite'
      ? new PgBoss({
          db: fromPglite(database.pglite!),
          backend: 'pglite',
          schema: 'pgboss',
          superviseIntervalSeconds: timings.superviseSeconds,
        })
      : new PgBoss({ connectionString: options.databaseUrl, max: 3, schema: 'pgboss', superviseIntervalSeconds: timings.superviseSeconds });

  async function runOne(job: AnyJob<Deps>, deps: Deps, id: string, data: unknown, observer?: JobObserver, failed = false) {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const { handle } = await (failed ? job.loadFailed! : job.load)();
      await handle(job.payload.parse(data), { deps, jobId: id, log: log.child({ job: job.name, jobId: id }) });
      observer?.onJobDone(job.name, 'completed', seconds());
    } catch (err) {
      observer?.onJobDone(job.name, 'failed', seconds());
      log.warn({ err, queue: job.name, jobId: id }, 'job failed; it will be retried');
      throw err;
    }
  }

  return {
    register<Schema extends z.ZodType>(job: JobDefinition<Schema, Deps>) {
      jobs.set(queueName(job), job as unknown as AnyJob<Deps>);
    },

    async start({ isWorker, deps, observer }: { isWorker: boolean; deps: Deps; observer?: JobObserver }) {
      boss = createBoss();
      boss.on('error', (err) => log.error({ err }, 'job runner error'));
      await boss.start();
      for (const [queue, job] of jobs) {
        const deadLetter = job.loadFailed ? failedQueueName(job) : undefined;
        if (deadLetter) await boss.createQueue(deadLetter, { retryLimit: 3, retryDelay: 5, retryBackoff: true });
        const settings = {
          retryLimit: job.retry?.limit ?? 5,
          retryDelay: job.retry?.delaySeconds ?? 5,
          retryBackoff: true,
          expireInSeconds: job.expireInSeconds ?? 900,
          heartbeatSeconds: timings.heartbeatSeconds,
          deadLetter: deadLetter ?? null,
        };
        // createQueue leaves an existing queue as it was: the update applies changed settings on
        // the next start (a queue's policy cannot change; a new policy is a new version).
        const { deadLetter: _none, ...created } = settings;
        await boss.createQueue(queue, {
          policy: job.singletonKey ? 'stately' : 'standard',
          ...created,
          ...(deadLetter ? { deadLetter } : {}),
        });
        await boss.updateQueue(queue, settings);
        if (job.cron) await boss.schedule(queue, job.cron, {});
        if (!isWorker) continue;
        await boss.work<object>(queue, async (batch) => {
          for (const item of batch) await runOne(job, deps, item.id, item.data, observer);
        });
        if (deadLetter) {
          await boss.work<object>(deadLetter, async (batch) => {
            for (const item of batch) await runOne(job, deps, item.id, item.data, observer, true);
          });
        }
      }
    },

    /** Validates the payload before anything is queued; answers the job id, or null when one with the same key already waits. */
    async send<Schema extends z.ZodType>(
      job: JobDefinition<Schema, Deps>,
      payload: z.input<Schema>,
      options: { startAfterSeconds?: number } = {},
    ): Promise<string | null> {
      if (!boss) throw new Error('the job runner has not started');
      if (!jobs.has(queueName(job))) throw new Error(`job ${queueName(job)} is not registered`);
      const parsed = job.payload.safeParse(payload);
      if (!parsed.success) throw new JobPayloadError(`invalid payload for ${job.name}: ${parsed.error.message}`);
      const singletonKey = job.singletonKey?.(parsed.data);
      return boss.send(queueName(job), parsed.data as object, {
        ...(singletonKey ? { singletonKey } : {}),
        // A later start (scheduled syncs spread users over the interval).
        ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
      });
    },

    /** Jobs waiting per queue, for /metrics. */
    async queueDepths(): Promise<Record<string, number>> {
      if (!boss) return {};
      const queues = await boss.getQueues([...jobs.keys()]);
      return Object.fromEntries(queues.map((q) => [q.name, q.queuedCount]));
    },

    isStarted: () => boss !== undefined,

    async stop() {
      if (!boss) return;
      const current = boss;
      boss = undefined;
      // Running jobs get a few seconds to finish; one still running is handed back (pg-boss retries
      // it after its expiry), so a shutdown stays within its 10 s (main.ts).
      await current.stop({ graceful: true, timeout: 4_000 });
    },
  };
}
export type JobRunner<Deps = unknown> = ReturnType<typeof createJobRunner<Deps>>;
