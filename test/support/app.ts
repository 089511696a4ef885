import crypto from 'node:crypto';
import pino, { type Logger } from 'pino';
import { buildApp, type App } from '../../src/server/app.js';
import type { ContainerDeps } from '../../src/server/container.js';
import { loadConfig, type Config } from '../../src/server/config.js';
import type { Database } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import { openTestDatabase } from './embedded-template.js';
import { checkRedisEvictionPolicy, connectRedis, createMemoryStore, createRedisStore } from '../../src/server/platform/kv.js';

export const hasRedis = !!process.env.REDIS_URL;

export type TestApp = { app: App; database: Database; config: Config; close(): Promise<void> };

const TEST_SECRETS = { sessionSecret: 'test-session-secret-that-is-long-enough', encryptionKey: 'ab'.repeat(32) };

/**
 * A real app on a real database: in-memory PGlite by default, the PostgreSQL in DATABASE_URL when
 * set (tests then create their own users and never wipe shared tables).
 */
export type TestAppOptions = {
  log?: Logger;
  clock?: () => Date;
  /** Extra routes a test needs (registered before the app is ready). */
  routes?: (app: App) => void;
  /** The app's outbound client: fake DNS, shorter limits, and origins the subscriptions may reach (fakes). */
  outbound?: ContainerDeps['outbound'];
  /** A job runner: writes that queue work (imports, syncs) send jobs instead of running inline. */
  jobs?: ContainerDeps['jobs'];
};

export async function createTestApp(env: Record<string, string> = {}, database?: Database, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    EXPOSE_STATEMENT_COUNT: 'true',
    // Every answer is checked against its schema (refused in production, so not for production-mode apps).
    VALIDATE_RESPONSES: env.NODE_ENV === 'production' ? 'false' : 'true',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    // A test process holds the embedded database, its fixtures and every app it made: its resident
    // size says nothing about the server's (the built server's memory has its own tests).
    MAX_RSS_MB: '0',
    DATABASE_URL: process.env.DATABASE_URL ?? '',
    REDIS_URL: process.env.REDIS_URL ?? '',
    DATABASE_POOL_SIZE: '4',
    // Tests that move an injected clock across days test their own feature; the idle timeout has its own tests.
    SESSION_IDLE_DAYS: '30',
    ...env,
  });
  const log = options.log ?? pino({ level: 'silent' });
  const ownsDatabase = !database;
  const db =
    database ??
    (await openTestDatabase({
      databaseUrl: config.databaseUrl,
      poolSize: config.poolSize,
      statementTimeoutMs: LIMITS.database.statementMs,
      requestStatementTimeoutMs: LIMITS.database.requestStatementMs,
      log,
    }));
  if (ownsDatabase) await db.migrate();
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
  // As at start-up (runtime.ts): waits for the connection, so the first requests use Redis.
  if (redis) await checkRedisEvictionPolicy(redis, log);
  const kv = redis ? createRedisStore(redis) : createMemoryStore();
  const app = await buildApp({
    config,
    secrets: TEST_SECRETS,
    database: db,
    kv,
    redis,
    log,
    clock: options.clock,
    outbound: options.outbound,
    jobs: options.jobs,
  });
  options.routes?.(app);
  await app.ready();
  return {
    app,
    database: db,
    config,
    async close() {
      const { violations } = app.responseContract;
      await app.close();
      if (redis) await redis.quit();
      if (ownsDatabase) await db.close();
      // Each violation already failed its request with a 500; this names them once more at the end.
      if (violations.length) throw new Error(`Answers broke their response schemas:\n${JSON.stringify(violations, null, 2)}`);
    },
  };
}

export const uniqueEmail = (label = 'user') => `${label}-${crypto.randomUUID().slice(0, 12)}@example.test`;
