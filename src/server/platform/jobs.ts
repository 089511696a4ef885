import { PgBoss, fromPglite } from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from './db.js';

export type JobSpec<T extends object = Record<string, never>> = {
  name: string;
  /** Idempotent: a job may run again after a crash or a retry. */
  handler(data: T): Promise<void>;
  /** Cron schedule (UTC) for recurring jobs. */
  cron?: string;
  retryLimit?: number;
  expireInSeconds?: number;
  /** 'singleton' lets only one job of the queue run or wait at a time (per singletonKey). */
  policy?: 'standard' | 'singleton' | 'stately';
};

type JobObserver = { onJobDone(queue: string, outcome: 'completed' | 'failed', seconds: number): void };

/**
 * Durable jobs on pg-boss, on PGlite (its fromPglite adapter) or PostgreSQL: retried with
 * exponential backoff, scheduled with cron, visible in the database. Specs are registered once at
 * start; `start({ isWorker })` decides whether this process also runs them.
 */
export function createJobRunner(deps: { database: Database; databaseUrl?: string; log: Logger }) {
  const { database, log } = deps;
  const specs = new Map<string, JobSpec<any>>();
  let boss: PgBoss | undefined;

  const createBoss = () =>
    database.kind === 'pglite'
      ? new PgBoss({ db: fromPglite(database.pglite!), backend: 'pglite', schema: 'pgboss' })
      : new PgBoss({ connectionString: deps.databaseUrl, max: 3, schema: 'pgboss' });

  return {
    register<T extends object>(spec: JobSpec<T>) {
      specs.set(spec.name, spec);
    },

    async start({ isWorker, observer }: { isWorker: boolean; observer?: JobObserver }) {
      boss = createBoss();
      boss.on('error', (err) => log.error({ err }, 'job runner error'));
      await boss.start();
      for (const spec of specs.values()) {
        await boss.createQueue(spec.name, {
          policy: spec.policy ?? 'standard',
          retryLimit: spec.retryLimit ?? 5,
          retryDelay: 5,
          retryBackoff: true,
          expireInSeconds: spec.expireInSeconds ?? 900,
        });
        if (spec.cron) await boss.schedule(spec.name, spec.cron);
        if (!isWorker) continue;
        await boss.work<object>(spec.name, async (jobs) => {
          for (const job of jobs) {
            const started = performance.now();
            try {
              await spec.handler(job.data);
              observer?.onJobDone(spec.name, 'completed', (performance.now() - started) / 1000);
            } catch (err) {
              observer?.onJobDone(spec.name, 'failed', (performance.now() - started) / 1000);
              log.warn({ err, queue: spec.name, jobId: job.id }, 'job failed; it will be retried');
              throw err;
            }
          }
        });
      }
    },

    async send<T extends object>(name: string, data: T, options: { singletonKey?: string } = {}): Promise<string | null> {
      if (!boss) throw new Error('the job runner has not started');
      if (!specs.has(name)) throw new Error(`unknown job ${name}`);
      return boss.send(name, data, options);
    },

    /** Jobs waiting per queue, for /metrics. */
    async queueDepths(): Promise<Record<string, number>> {
      if (!boss) return {};
      const queues = await boss.getQueues([...specs.keys()]);
      return Object.fromEntries(queues.map((q) => [q.name, q.queuedCount]));
    },

    isStarted: () => boss !== undefined,

    async stop() {
      if (!boss) return;
      const current = boss;
      boss = undefined;
      await current.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;
