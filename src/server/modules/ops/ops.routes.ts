import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import type { Database } from '../../platform/db.js';
import { hasPendingMigrations } from '../../platform/db.js';
import type { KeyValueStore } from '../../platform/kv.js';
import type { Metrics } from '../../platform/metrics.js';
import { AppError } from '../../platform/errors.js';
import { safeEqual } from '../../platform/crypto.js';
import { liveResponse, readyResponse } from '../../../shared/api/ops.js';

type Deps = { config: Config; database: Database; kv: KeyValueStore; metrics: Metrics };

async function check(fn: () => Promise<unknown>): Promise<'ok' | string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return `failing: ${(err as Error).message}`;
  }
}

/** Liveness, readiness and Prometheus metrics: the operator's view of the process. */
export function registerOps(app: App, { config, database, kv, metrics }: Deps) {
  const publicRoute = { isPublic: true } as const;

  app.get('/health/live', { config: publicRoute, schema: { hide: true, response: { 200: liveResponse } } }, async () => ({ status: 'ok' }));

  app.get(
    '/health/ready',
    { config: publicRoute, schema: { hide: true, response: { 200: readyResponse, 503: readyResponse } } },
    async (_req, reply) => {
      const checks: Record<string, string> = {
        database: await check(() => database.ping()),
        migrations: await check(async () => {
          if (await hasPendingMigrations(database.db)) throw new Error('pending migrations');
        }),
      };
      if (kv.kind === 'redis') checks.redis = await check(() => kv.ping());
      const isReady = Object.values(checks).every((v) => v === 'ok');
      return reply.status(isReady ? 200 : 503).send({ status: isReady ? 'ready' : 'not_ready', checks });
    },
  );

  app.get('/metrics', { config: { ...publicRoute, errorStatuses: [401] }, schema: { hide: true } }, async (req, reply) => {
    // Without a token, metrics are served only to the local machine (a scraper beside the process).
    const token = config.metricsToken;
    const auth = req.headers.authorization ?? '';
    const isLocal =
      req.socket.remoteAddress === '127.0.0.1' || req.socket.remoteAddress === '::1' || req.socket.remoteAddress === '::ffff:127.0.0.1';
    const isAllowed = token ? safeEqual(auth, `Bearer ${token}`) : isLocal || config.env === 'test';
    if (!isAllowed) throw new AppError('unauthenticated', 'Metrics need Authorization: Bearer <METRICS_TOKEN>.');
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
