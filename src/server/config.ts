import { z } from 'zod';

const optionalUrl = z.url().optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
    .optional(),
  SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: bool.default(false),
  /** Adds x-db-statements to responses; for tests and the benchmark, never for users. */
  EXPOSE_STATEMENT_COUNT: bool.default(false),
  /** Validates every JSON answer against its route's response schema; tests only, refused in production. */
  VALIDATE_RESPONSES: bool.default(false),
  /** Event-loop delay (ms) past which requests are shed with 503. 0 disables shedding. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  WEB_DIST_DIR: z.string().optional(),
  /** Run job workers inside `serve` (the embedded default). Set false when separate `worker` processes run them. */
  RUN_WORKERS: bool.default(true),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  poolSize: number;
  redisUrl: string | undefined;
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  sessionTtlDays: number;
  metricsToken: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  exposeStatementCount: boolean;
  validateResponses: boolean;
  maxEventLoopDelayMs: number;
  webDistDir: string | undefined;
  runWorkers: boolean;
}>;

export class ConfigError extends Error {}

/** Parses settings once. Throws ConfigError naming every bad setting and what is wrong with it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = envSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && e.VALIDATE_RESPONSES) {
    throw new ConfigError(
      'Invalid configuration:\n  VALIDATE_RESPONSES: not allowed when NODE_ENV=production (it checks every answer against its schema, for tests only)',
    );
  }
  if (isProduction) {
    const missing = (['SESSION_SECRET', 'ENCRYPTION_KEY'] as const).filter((k) => !e[k]);
    if (missing.length) {
      throw new ConfigError(`Invalid configuration:\n${missing.map((k) => `  ${k}: required when NODE_ENV=production`).join('\n')}`);
    }
  }
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    poolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    exposeStatementCount: e.EXPOSE_STATEMENT_COUNT,
    validateResponses: e.VALIDATE_RESPONSES,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    webDistDir: e.WEB_DIST_DIR,
    runWorkers: e.RUN_WORKERS,
  });
}

export type Secrets = { sessionSecret: string; encryptionKey: string };
