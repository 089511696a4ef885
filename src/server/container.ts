import type { Redis } from 'ioredis';
import type { Config, Secrets } from './config.js';
import type { Database } from './platform/db.js';
import type { KeyValueStore } from './platform/kv.js';
import type { JobRunner } from './platform/jobs.js';
import { createMetrics } from './platform/metrics.js';
import { createServices, type ServiceDeps } from './services.js';
import { registerJobs } from './jobs.js';
import type { JobDeps } from './app-jobs.js';

export type ContainerDeps = {
  config: Config;
  secrets: Secrets;
  database: Database;
  kv: KeyValueStore;
  redis?: Redis;
  /** Absent in tests that do not exercise jobs. */
  jobs?: JobRunner<JobDeps>;
  clock?: () => Date;
  /** Tests: the outbound client's DNS, clock and limits (see ServiceDeps). */
  outbound?: ServiceDeps['outbound'];
};

/**
 * Wires a process once, whatever it is (`serve`, `worker`, a test app): the services, the metrics,
 * and the jobs with the services their handlers use. A new module is wired here and in
 * services.ts / jobs.ts, never in main.ts or worker.ts.
 */
export function createContainer(deps: ContainerDeps) {
  const services = createServices({ ...deps, clock: deps.clock ?? (() => new Date()) });
  const metrics = createMetrics({
    database: deps.database,
    cache: services.cache,
    jobs: deps.jobs,
    images: services.images,
    outbound: services.outbound,
    ai: services.ai,
  });
  if (deps.jobs) registerJobs(deps.jobs);
  const jobDeps: JobDeps = { services };
  return {
    services,
    metrics,
    /** Creates the queues and schedules; with `isWorker` this process also runs the jobs. */
    async startJobs(isWorker: boolean) {
      await deps.jobs?.start({ isWorker, deps: jobDeps, observer: metrics.jobObserver });
    },
  };
}
export type Container = ReturnType<typeof createContainer>;
