import type { Config } from './config.js';
import { buildApp } from './app.js';
import { openRuntime } from './runtime.js';
import { startMetricsListener, type MetricsListener } from './platform/metrics-listener.js';

/** Serves the API, the web app and (unless RUN_WORKERS=false) the job workers from one process until a signal. */
export async function serve(config: Config): Promise<void> {
  const runtime = await openRuntime(config);
  const { log } = runtime;
  const app = await buildApp(runtime);
  let metricsListener: MetricsListener | undefined;
  let isClosing = false;
  /**
   * SIGTERM (an orchestrator, a load balancer in front): readiness turns 503 at once, the listener
   * keeps serving for SHUTDOWN_DRAIN_MS so the balancer stops sending, then in-flight requests
   * finish, jobs are handed back, and the process exits 0 — within 10 s, or it is forced (exit 1).
   * SIGINT (Ctrl-C in a terminal) skips the drain.
   */
  const shutdown = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    app.lifecycle.isDraining = true;
    log.info({ signal, drainMs: signal === 'SIGTERM' ? config.shutdownDrainMs : 0 }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took more than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    if (signal === 'SIGTERM' && config.shutdownDrainMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDrainMs));
    try {
      await metricsListener?.close();
      await app.close();
      await runtime.close();
    } catch (err) {
      log.error({ err }, 'error during shutdown');
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    await app.startJobs(config.runWorkers);
    await app.listen({ host: config.host, port: config.port });
    if (config.metricsPort !== undefined) {
      metricsListener = await startMetricsListener({ metrics: app.metrics, port: config.metricsPort, log });
      log.info({ port: metricsListener.port }, 'metrics on the loopback listener');
    }
  } catch (err) {
    await app.close();
    await runtime.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const where = runtime.database.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  process.stdout.write(`\nMindfulCRM is running at http://${host}:${port}  (${where})\n\n`);
}
