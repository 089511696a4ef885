import type { Config } from './config.js';
import { openRuntime } from './runtime.js';
import { createContainer } from './container.js';

/** A process that only runs jobs (scale-out: any number beside stateless `serve` processes). */
export async function runWorker(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const container = createContainer(runtime);
  await container.startJobs(true);
  runtime.log.info('worker started');
  const stop = async () => {
    await runtime.close();
    await container.services.outbound.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
