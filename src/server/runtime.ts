import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config, Secrets } from './config.js';
import { checkSynchronousCommit, openDatabase, type Database } from './platform/db.js';
import { checkRedisEvictionPolicy, connectRedis, createMemoryStore, createRedisStore, type KeyValueStore } from './platform/kv.js';
import { resolveSecrets } from './platform/secrets.js';
import { acquireDataDirLock, prepareDataDir, type DataDirLock } from './platform/data-dir-lock.js';
import { createJobRunner, type JobRunner } from './platform/jobs.js';
import type { JobDeps } from './app-jobs.js';
import type { Redis } from 'ioredis';
import { describeError, describeRequest } from './platform/log-fields.js';
import { LIMITS } from './platform/limits.js';

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    // Replace fastify's and pino's own: those log the full URL (search text) and every field of an error (SQL parameters).
    serializers: { req: describeRequest, err: describeError },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.accessToken',
        '*.refreshToken',
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Runtime = {
  config: Config;
  secrets: Secrets;
  log: Logger;
  database: Database;
  kv: KeyValueStore;
  redis?: Redis;
  jobs: JobRunner<JobDeps>;
  close(): Promise<void>;
};

/** Opens the database (running migrations) and the shared stores a process needs. */
export async function openRuntime(config: Config, log = createLogger(config)): Promise<Runtime> {
  const usesDataDir = !config.databaseUrl || !config.sessionSecret || !config.encryptionKey;
  if (usesDataDir) prepareDataDir(config.dataDir, log);
  // The lock comes before anything reads or writes the folder (secrets included): a refused
  // second process must leave it exactly as it was.
  const lock: DataDirLock | undefined = config.databaseUrl ? undefined : await acquireDataDirLock(config.dataDir);
  let database: Database | undefined;
  try {
    const secrets = resolveSecrets(config, log);
    database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : config.dataDir,
      poolSize: config.poolSize,
      statementTimeoutMs: LIMITS.database.statementMs,
      requestStatementTimeoutMs: LIMITS.database.requestStatementMs,
      embeddedCacheMb: config.embeddedCacheMb,
      log,
    });
    await database.migrate();
    await checkSynchronousCommit(database, config.allowAsyncCommit, log);
    const opened = database;
    const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : undefined;
    if (redis) {
      try {
        await checkRedisEvictionPolicy(redis, log);
      } catch (err) {
        redis.disconnect();
        throw err;
      }
    }
    const kv = redis ? createRedisStore(redis) : createMemoryStore();
    const jobs = createJobRunner<JobDeps>({ database: opened, databaseUrl: config.databaseUrl, log, timings: config.jobTimings });
    return {
      config,
      secrets,
      log,
      database: opened,
      kv,
      redis,
      jobs,
      async close() {
        try {
          await jobs.stop();
          await kv.close();
          if (redis) await redis.quit().catch(() => redis.disconnect());
          await opened.close();
        } finally {
          await lock?.release();
        }
      },
    };
  } catch (err) {
    await database?.close().catch(() => undefined);
    await lock?.release();
    throw err;
  }
}
