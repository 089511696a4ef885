import { z } from 'zod';
import { LIMITS } from './platform/limits.js';

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
  /** PostgreSQL's shared buffers inside the embedded database, in MB (more: fewer file reads, more RSS). */
  EMBEDDED_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(LIMITS.embeddedDb.defaultCacheMb),
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
  /** Event-loop delay (ms) past which requests are shed with 503. 0 disables shedding. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  WEB_DIST_DIR: z.string().optional(),
  /** Run job workers inside `serve` (the embedded default). Set false when separate `worker` processes run them. */
  RUN_WORKERS: bool.default(true),
  LLM_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL_FAST: z.string().default('openai/gpt-4o-mini'),
  LLM_MODEL_SMART: z.string().default('anthropic/claude-sonnet-4'),
  LLM_MONTHLY_BUDGET_USD: z.coerce.number().min(0).default(5),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  GOOGLE_REDIRECT_URL: optionalUrl,
  GOOGLE_API_BASE_URL: z.url().default('https://www.googleapis.com'),
  GOOGLE_OAUTH_BASE_URL: z.url().default('https://oauth2.googleapis.com'),
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
  embeddedCacheMb: number;
  redisUrl: string | undefined;
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  sessionTtlDays: number;
  metricsToken: string | undefined;
  logLevel: string;
  trustProxy: boolean;
  exposeStatementCount: boolean;
  maxEventLoopDelayMs: number;
  webDistDir: string | undefined;
  runWorkers: boolean;
  llm: Readonly<{ baseUrl: string; apiKey: string | undefined; fastModel: string; smartModel: string; monthlyBudgetUsd: number }>;
  google: Readonly<{
    clientId: string | undefined;
    clientSecret: string | undefined;
    redirectUrl: string | undefined;
    apiBaseUrl: string;
    oauthBaseUrl: string;
  }>;
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
    embeddedCacheMb: e.EMBEDDED_CACHE_MB,
    redisUrl: e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    exposeStatementCount: e.EXPOSE_STATEMENT_COUNT,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    webDistDir: e.WEB_DIST_DIR,
    runWorkers: e.RUN_WORKERS,
    llm: Object.freeze({
      baseUrl: e.LLM_BASE_URL,
      apiKey: e.LLM_API_KEY,
      fastModel: e.LLM_MODEL_FAST,
      smartModel: e.LLM_MODEL_SMART,
      monthlyBudgetUsd: e.LLM_MONTHLY_BUDGET_USD,
    }),
    google: Object.freeze({
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      redirectUrl: e.GOOGLE_REDIRECT_URL,
      apiBaseUrl: e.GOOGLE_API_BASE_URL,
      oauthBaseUrl: e.GOOGLE_OAUTH_BASE_URL,
    }),
  });
}

export type Secrets = { sessionSecret: string; encryptionKey: string };
