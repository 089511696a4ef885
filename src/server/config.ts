import { z } from 'zod';
import { LIMITS } from './platform/limits.js';

const optionalUrl = z.url().optional();

export type TrustProxy = false | number | readonly string[];

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/;
const IPV6 = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

/**
 * "true" would trust any client's X-Forwarded-For, so any client could choose its own address (and
 * escape every per-address limit). Only a hop count or the proxies' own addresses are accepted.
 */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const v = value.trim();
  if (v === 'false' || v === '0' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length && entries.every((e) => IPV4.test(e) || (e.includes(':') && IPV6.test(e)))) return Object.freeze(entries);
  ctx.addIssue({
    code: 'custom',
    message:
      'must be the number of proxies in front of the server (hops, e.g. 1 behind one load balancer) or their addresses/CIDR ranges (e.g. 10.0.0.0/8); "true" would trust any client\'s X-Forwarded-For',
  });
  return z.NEVER;
}
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
  /** Start even though PostgreSQL's synchronous_commit is off (acknowledged writes may be lost in a crash). */
  ALLOW_ASYNC_COMMIT: bool.default(false),
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
  /** A session unused this long ends, whatever its absolute lifetime left. */
  SESSION_IDLE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => parseTrustProxy(v, ctx)),
  /** Adds x-db-statements to responses; for tests and the benchmark, never for users. */
  EXPOSE_STATEMENT_COUNT: bool.default(false),
  /** Validates every JSON answer against its route's response schema; tests only, refused in production. */
  VALIDATE_RESPONSES: bool.default(false),
  /** Event-loop delay (ms) past which requests are shed with 503. 0 disables shedding. */
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  /** Resident memory (MB) past which API requests are shed with 503. 0 disables the guard. */
  MAX_RSS_MB: z.coerce.number().int().min(0).default(1024),
  /** No shedding this long after start: start-up work (migrations, first compilations) is not load. */
  LOAD_SHED_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(8_000).default(3_000),
  /** A loopback-only port serving /metrics without a token (unset: no such listener). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  WEB_DIST_DIR: z.string().optional(),
  /** Run job workers inside `serve` (the embedded default). Set false when separate `worker` processes run them. */
  RUN_WORKERS: bool.default(true),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).max(3600).default(30),
  JOB_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  /** The OAuth client of the Google Cloud project (README, "Google"); unset: Google cannot be connected. */
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  /** Google's endpoints; tests and the dev mode point them at the fake Google. */
  GOOGLE_AUTH_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  GOOGLE_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_API_URL: z.url().default('https://www.googleapis.com'),
  /** Google's public keys (PEM, by key id) that sign id_tokens: "Sign in with Google" checks each token against them. */
  GOOGLE_CERTS_URL: z.url().default('https://www.googleapis.com/oauth2/v1/certs'),
  /** Any OpenAI-compatible endpoint (OpenRouter, OpenAI, Ollama's /v1, vLLM, LM Studio). */
  AI_BASE_URL: z.url().default('https://openrouter.ai/api/v1'),
  /** Without a key the AI features run offline (local rules, no model, no cost). */
  AI_API_KEY: z.string().min(1).optional(),
  /** The cheap model for bulk work (sentiment, classification) and the stronger one (insights, assistant). */
  AI_MODEL_BULK: z.string().min(1).default('openai/gpt-4o-mini'),
  AI_MODEL_SMART: z.string().min(1).default('openai/gpt-4o'),
  /** The speech-to-text model of the provider's /audio/transcriptions (the assistant's voice questions). */
  AI_MODEL_TRANSCRIBE: z.string().min(1).default('whisper-1'),
  /** Model calls in flight at once in this process, across all users. */
  AI_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** USD per million tokens per model, JSON: {"model": {"input": 0.15, "output": 0.6}}; merged over the defaults. */
  AI_PRICES: z
    .string()
    .optional()
    .transform((v, ctx) => parsePrices(v, ctx)),
  AI_DAILY_BUDGET_USD: z.coerce.number().min(0).default(1),
  AI_MONTHLY_BUDGET_USD: z.coerce.number().min(0).default(20),
  /** How many days back the first Gmail sync reads. */
  GMAIL_SYNC_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type ModelPrice = { input: number; output: number };
/** USD per million tokens of the default models (OpenRouter's list prices). */
const DEFAULT_AI_PRICES: Readonly<Record<string, ModelPrice>> = {
  'openai/gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai/gpt-4o': { input: 2.5, output: 10 },
};
const priceTable = z.record(z.string().min(1), z.strictObject({ input: z.number().min(0), output: z.number().min(0) }));

function parsePrices(value: string | undefined, ctx: z.RefinementCtx): Readonly<Record<string, ModelPrice>> {
  if (!value) return DEFAULT_AI_PRICES;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: 'must be JSON like {"openai/gpt-4o-mini": {"input": 0.15, "output": 0.6}} (USD per million tokens)',
    });
    return z.NEVER;
  }
  const parsed = priceTable.safeParse(json);
  if (!parsed.success) {
    ctx.addIssue({ code: 'custom', message: 'each model needs {"input": number, "output": number} in USD per million tokens' });
    return z.NEVER;
  }
  return Object.freeze({ ...DEFAULT_AI_PRICES, ...parsed.data });
}

export type AiConfig = Readonly<{
  baseUrl: string;
  apiKey: string | undefined;
  models: Readonly<{ bulk: string; smart: string; transcribe: string }>;
  concurrency: number;
  prices: Readonly<Record<string, ModelPrice>>;
  dailyBudgetUsd: number;
  monthlyBudgetUsd: number;
}>;

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  databaseUrl: string | undefined;
  poolSize: number;
  allowAsyncCommit: boolean;
  embeddedCacheMb: number;
  redisUrl: string | undefined;
  sessionSecret: string | undefined;
  encryptionKey: string | undefined;
  sessionTtlDays: number;
  sessionIdleDays: number;
  metricsToken: string | undefined;
  logLevel: string;
  /** false, a number of proxy hops, or the proxies' addresses and CIDR ranges. */
  trustProxy: TrustProxy;
  exposeStatementCount: boolean;
  validateResponses: boolean;
  maxEventLoopDelayMs: number;
  maxRssBytes: number;
  loadShedGraceMs: number;
  /** After SIGTERM: readiness is 503 and the listener keeps serving this long before closing. */
  shutdownDrainMs: number;
  metricsPort: number | undefined;
  webDistDir: string | undefined;
  runWorkers: boolean;
  /** How fast a job whose worker died is noticed and retried (platform/jobs.ts). */
  jobTimings: { heartbeatSeconds: number; superviseSeconds: number };
  google: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    authUrl: string;
    tokenUrl: string;
    /** Userinfo, Calendar and Gmail (…/oauth2/v3/userinfo, …/calendar/v3/…, …/gmail/v1/…); no trailing slash. */
    apiUrl: string;
    /** The keys id_tokens are signed with (google-auth-library's PEM certs endpoint). */
    certsUrl: string;
    gmailSyncDays: number;
  };
  ai: AiConfig;
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
    allowAsyncCommit: e.ALLOW_ASYNC_COMMIT,
    embeddedCacheMb: e.EMBEDDED_CACHE_MB,
    redisUrl: e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    sessionTtlDays: e.SESSION_TTL_DAYS,
    sessionIdleDays: e.SESSION_IDLE_DAYS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    exposeStatementCount: e.EXPOSE_STATEMENT_COUNT,
    validateResponses: e.VALIDATE_RESPONSES,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    maxRssBytes: e.MAX_RSS_MB * 1024 * 1024,
    loadShedGraceMs: e.LOAD_SHED_GRACE_MS,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    metricsPort: e.METRICS_PORT,
    webDistDir: e.WEB_DIST_DIR,
    runWorkers: e.RUN_WORKERS,
    jobTimings: { heartbeatSeconds: e.JOB_HEARTBEAT_SECONDS, superviseSeconds: e.JOB_SUPERVISE_SECONDS },
    google: Object.freeze({
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      authUrl: e.GOOGLE_AUTH_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      apiUrl: e.GOOGLE_API_URL.replace(/\/+$/, ''),
      certsUrl: e.GOOGLE_CERTS_URL,
      gmailSyncDays: e.GMAIL_SYNC_DAYS,
    }),
    ai: Object.freeze({
      baseUrl: e.AI_BASE_URL.replace(/\/+$/, ''),
      apiKey: e.AI_API_KEY,
      models: Object.freeze({ bulk: e.AI_MODEL_BULK, smart: e.AI_MODEL_SMART, transcribe: e.AI_MODEL_TRANSCRIBE }),
      concurrency: e.AI_CONCURRENCY,
      prices: e.AI_PRICES,
      dailyBudgetUsd: e.AI_DAILY_BUDGET_USD,
      monthlyBudgetUsd: e.AI_MONTHLY_BUDGET_USD,
    }),
  });
}

export type Secrets = { sessionSecret: string; encryptionKey: string };
