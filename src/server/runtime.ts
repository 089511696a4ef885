import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config, Secrets } from './config.js';
import { openDatabase, type Database } from './platform/db.js';
import { connectRedis, createMemoryStore, createRedisStore, type KeyValueStore } from './platform/kv.js';
import { resolveSecrets } from './platform/secrets.js';
import { createJobRunner, type JobRunner } from './platform/jobs.js';
import type { Redis } from 'ioredis';

export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
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
  jobs: JobRunner;
  close(): Promise<void>;
};

/** Opens the database (running migrations) and the shared stores a process needs. */
export async function openRuntime(config: Config, log = createLogger(config)): Promise<Runtime> {
  const secrets = resolveSecrets(config);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    poolSize: config.poolSize,
    embeddedCacheMb: config.embeddedCacheMb,
    log,
  });
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  const redis = config.redisUrl ? connectRedis(config.redisUrl, log) : undefined;
  const kv = redis ? createRedisStore(redis) : createMemoryStore();
  const jobs = createJobRunner({ database, databaseUrl: config.databaseUrl, log });
  return {
    config,
    secrets,
    log,
    database,
    kv,
    redis,
    jobs,
    async close() {
      await jobs.stop();
      await kv.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await database.close();
    },
  };
}
