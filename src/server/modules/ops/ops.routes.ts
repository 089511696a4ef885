import type { FastifyBaseLogger } from 'fastify';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import type { Database } from '../../platform/db.js';
import { hasPendingMigrations } from '../../platform/db.js';
import type { KeyValueStore } from '../../platform/kv.js';
import type { Metrics } from '../../platform/metrics.js';
import { AppError } from '../../platform/errors.js';
import { safeEqual } from '../../platform/crypto.js';
import { liveResponse, readyResponse } from '../../../shared/api/ops.js';

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

type Deps = { config: Config; database: Database; kv: KeyValueStore; metrics: Metrics; log: FastifyBaseLogger };

/** Liveness, readiness and Prometheus metrics: the operator's view of the process. */
export function registerOps(app: App, { config, database, kv, metrics, log }: Deps) {
  const publicRoute = { isPublic: true } as const;
  // The answer is public, so it says only ok or failing; what failed goes to the log.
  const check = async (name: string, fn: () => Promise<unknown>): Promise<'ok' | 'failing'> => {
    try {
      await fn();
      return 'ok';
    } catch (err) {
      log.warn({ check: name, err }, 'readiness check failing');
      return 'failing';
    }
  };

  app.get('/health/live', { config: publicRoute, schema: { hide: true, response: { 200: liveResponse } } }, async () => ({ status: 'ok' }));

  app.get(
    '/health/ready',
    { config: publicRoute, schema: { hide: true, response: { 200: readyResponse, 503: readyResponse } } },
    async (_req, reply) => {
      // Shutting down: the load balancer stops sending at once, while in-flight requests finish.
      if (app.lifecycle.isDraining) return reply.status(503).send({ status: 'draining', checks: {} });
      const checks: Record<string, string> = {
        database: await check('database', () => database.ping()),
        migrations: await check('migrations', async () => {
          if (await hasPendingMigrations(database.db)) throw new Error('pending migrations');
        }),
      };
      // Bounded: an unreachable Redis is reported within a second (the store fails at once while
      // disconnected, and a command times out after LIMITS.redis.commandMs).
      if (kv.kind === 'redis') checks.redis = await check('redis', () => withTimeout(kv.ping(), 1_000));
      const isReady = Object.values(checks).every((v) => v === 'ok');
      return reply.status(isReady ? 200 : 503).send({ status: isReady ? 'ready' : 'not_ready', checks });
    },
  );

  app.get('/metrics', { config: { ...publicRoute, errorStatuses: [401] }, schema: { hide: true } }, async (req, reply) => {
    // Only with the token here: a proxy on the same machine makes every request look local.
    // Token-less scraping is for the loopback listener on METRICS_PORT.
    const token = config.metricsToken;
    if (!token || !safeEqual(req.headers.authorization ?? '', `Bearer ${token}`)) {
      throw new AppError(
        'unauthenticated',
        'Metrics need Authorization: Bearer <METRICS_TOKEN>, or scrape the loopback listener on METRICS_PORT.',
      );
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
