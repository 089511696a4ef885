import type { Config } from './config.js';
import { openRuntime } from './runtime.js';
import { createServices } from './services.js';
import { createMetrics } from './platform/metrics.js';
import { registerJobs } from './jobs.js';

/** A process that only runs jobs (scale-out: any number beside stateless `serve` processes). */
export async function runWorker(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const services = createServices({ ...runtime, clock: () => new Date() });
  const metrics = createMetrics({
    database: runtime.database,
    cache: services.cache,
    jobs: runtime.jobs,
    images: services.images,
    outbound: services.outbound,
  });
  registerJobs(runtime.jobs, services);
  await runtime.jobs.start({ isWorker: true, observer: metrics.jobObserver });
  runtime.log.info('worker started');
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
