import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql, type Logger, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Logger as PinoLogger } from 'pino';
import * as schema from '../db/schema/index.js';
import { requestContext } from './request-context.js';
import { embeddedStartParams } from './embedded-settings.js';
import { siblingScriptArgs } from './child-script.js';
import { createLoopRelease, releaseLoopBetweenStatements } from './loop-release.js';
import { LIMITS } from './limits.js';
import { createStatementNamer, nameFrequentStatements } from './prepared-statements.js';

const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The PGlite instance in embedded mode (pg-boss and tools need the raw client). */
  pglite?: PGlite;
  /** Embedded mode: the data folder (none for an in-memory database). */
  dataDir?: string;
  pool?: pg.Pool;
  /** Total statements issued through this database since start. */
  statementCount(): number;
  poolStats(): { total: number; idle: number; waiting: number };
  ping(): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  databaseUrl?: string;
  /** Folder for PGlite; undefined means in memory (tests). */
  dataDir?: string;
  /**
   * In-memory PGlite only: start from this copy of a database (`dumpMigratedEmbeddedDatabase`) instead of
   * creating an empty one. Tests start from a migrated copy: 0.7 s instead of 3 s per database.
   */
  loadFrom?: Blob;
  poolSize?: number;
  /**
   * PostgreSQL only: statements are cancelled past this (statement_timeout), and a statement whose
   * answer never arrives (a connection that hangs) fails a second later on our side. The server
   * and the test app pass LIMITS.database.statementMs; tools that seed or load in bulk may omit it.
   * Migrations run on a connection of their own without it.
   */
  statementTimeoutMs?: number;
  /**
   * PostgreSQL only, with statementTimeoutMs: the bound of a request's statements (routes marked
   * `longStatements` keep statementTimeoutMs). The server and the test app pass
   * LIMITS.database.requestStatementMs.
   */
  requestStatementTimeoutMs?: number;
  /** PostgreSQL's shared buffers inside the embedded database (EMBEDDED_CACHE_MB). */
  embeddedCacheMb?: number;
  /** Told every statement's SQL text (tests and the benchmark count statements by kind). */
  onStatement?: (query: string) => void;
  log: PinoLogger;
};

// Any constant works; it only has to be the same for every instance migrating one database.
const MIGRATION_LOCK_KEY = 7_261_883_001;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let total = 0;
  const logger: Logger = {
    logQuery(query) {
      total += 1;
      options.onStatement?.(query);
      const ctx = requestContext.get();
      if (ctx) ctx.statements += 1;
    },
  };
  return options.databaseUrl ? openPostgres(options, logger, () => total) : openPglite(options, logger, () => total);
}

async function openPostgres(options: DatabaseOptions, logger: Logger, count: () => number): Promise<Database> {
  const timeoutMs = options.statementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    // An unreachable database is a fast 503 (platform/http/error-handler.ts), not a hang.
    connectionTimeoutMillis: LIMITS.database.connectMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // Our statements are short OLTP reads; PostgreSQL's JIT spent 2 s compiling the dashboard's
    // 100 ms query because its cost estimate crossed jit_above_cost. Random reads cost near
    // sequential ones for our small, cached data (LIMITS.database.randomPageCost).
    options: `-c jit=off -c random_page_cost=${LIMITS.database.randomPageCost}${timeoutMs ? ` -c statement_timeout=${timeoutMs}` : ''}`,
    query_timeout: timeoutMs ? timeoutMs + 1_000 : undefined,
  });
  // An idle client losing its connection (database restart, failover) emits here; without a
  // listener Node would crash the process.
  pool.on('error', (err) => options.log.warn({ err: err.message }, 'database connection lost; the pool will reconnect'));
  // A checked-out client whose connection drops between two statements (inside a transaction)
  // emits 'error' with no pool listener attached: unhandled, it would end the process. Its next
  // statement fails with the same error, which the request answers with a 503.
  const nameOf = createStatementNamer(LIMITS.preparedStatements);
  pool.on('connect', (client) => {
    client.on('error', (err) => options.log.warn({ err: err.message }, 'database connection lost while in use'));
    nameFrequentStatements(client, nameOf);
  });
  // drizzle's pool transaction releases its client only once `begin` succeeded: a connection lost
  // at `begin` would keep its pool slot forever, and an outage would end with an empty pool. A
  // client whose connection ends while checked out goes back to the pool at once (as broken, so
  // the pool drops it), and its holder's later release is then a no-op.
  const onEndWhileHeld = new WeakMap<pg.PoolClient, () => void>();
  pool.on('acquire', (client) => {
    const onEnd = () => {
      const release = client.release;
      client.release = () => undefined;
      release.call(client, new Error('database connection ended while in use'));
    };
    onEndWhileHeld.set(client, onEnd);
    client.once('end', onEnd);
  });
  pool.on('release', (_err, client) => {
    const onEnd = onEndWhileHeld.get(client);
    if (onEnd) client.removeListener('end', onEnd);
    onEndWhileHeld.delete(client);
  });
  if (timeoutMs && options.requestStatementTimeoutMs) {
    boundStatementsPerCaller(pool, { requestMs: options.requestStatementTimeoutMs, otherMs: timeoutMs });
  }
  const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pool,
    statementCount: count,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    ping: async () => {
      await pool.query('select 1');
    },
    migrate: async () => {
      // Its own connection, without the request timeouts: an index build may take minutes.
      const client = new pg.Client({ connectionString: options.databaseUrl, options: '-c jit=off' });
      client.on('error', (err) => options.log.warn({ err: err.message }, 'database connection lost during migrations'));
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        await client.end();
      }
    },
    close: () => pool.end(),
  };
}

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, done?: (release?: Error) => void) => void;

/**
 * Runs each statement under the bound of whoever checked the connection out: a request's under
 * requestMs, so a statement stuck behind a lock is cancelled (57014, a 503 with Retry-After) well
 * within 2 s; a route marked `longStatements` (exports, imports, merges, erasures), a job or a
 * start-up step under otherMs. The caller is known from the request context, read when it asks for
 * a connection (drizzle calls `pool.connect` for transactions, `pool.query` calls it otherwise). A
 * connection keeps its bound across checkouts, so a `set statement_timeout` is sent only when the
 * next caller needs the other one: requests after requests, or jobs after jobs, cost nothing.
 */
function boundStatementsPerCaller(pool: pg.Pool, bounds: { requestMs: number; otherMs: number }) {
  const held = new WeakMap<pg.PoolClient, number>();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const checkout = async (boundMs: number) => {
    const client = await connect();
    // New connections start with otherMs (the connection's own statement_timeout option).
    if ((held.get(client) ?? bounds.otherMs) === boundMs) return client;
    try {
      await client.query(`set statement_timeout = ${boundMs}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    held.set(client, boundMs);
    return client;
  };
  pool.connect = ((callback?: ConnectCallback) => {
    const ctx = requestContext.get();
    const pending = checkout(ctx && !ctx.longStatements ? bounds.requestMs : bounds.otherMs);
    if (!callback) return pending;
    pending.then(
      (client) => callback(undefined, client, (release) => client.release(release)),
      (err: Error) => callback(err),
    );
  }) as typeof pool.connect;
}

/**
 * Start-up check of PostgreSQL's durability setting: with synchronous_commit off (or local on a
 * replica set), a commit is acknowledged before it is on disk and a crash can lose acknowledged
 * writes. The server refuses to start unless ALLOW_ASYNC_COMMIT=true says the operator accepts it.
 */
export async function checkSynchronousCommit(database: Database, allowAsync: boolean, log: PinoLogger): Promise<void> {
  if (database.kind !== 'postgres') return;
  const [row] = await queryRows<{ value: string }>(database.db, sql`select current_setting('synchronous_commit') as value`);
  const value = row?.value ?? 'unknown';
  if (value === 'on' || value === 'remote_write' || value === 'remote_apply') return;
  const message = `PostgreSQL synchronous_commit is '${value}': a crash can lose writes the server has already acknowledged. Set synchronous_commit = on (ALTER SYSTEM SET synchronous_commit = on; SELECT pg_reload_conf();)`;
  if (!allowAsync) throw new Error(`${message}, or set ALLOW_ASYNC_COMMIT=true to start anyway.`);
  log.warn({ synchronousCommit: value }, `${message}. Starting anyway (ALLOW_ASYNC_COMMIT=true).`);
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
// SQLSTATE class 08 (connection exception), admin shutdown / crash / cannot connect now, and a
// statement cancelled by statement_timeout.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|57014|53300)$/;
const UNREACHABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection terminated due to connection timeout|connection is not open|Query read timeout/i;

/** True when PostgreSQL cancelled a statement that ran past its bound (statement_timeout). */
export function isStatementTimeout(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '57014') return true;
  }
  return false;
}

/** True when the error means the database could not be reached or answered in time (a 503, not a 500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    // A call to another server failing is not the database (its provider maps it).
    if (e.name === 'OutboundError') return false;
    if (typeof e.code === 'string' && (UNREACHABLE_CODES.has(e.code) || UNAVAILABLE_SQLSTATE.test(e.code))) return true;
    if (typeof e.message === 'string' && UNREACHABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}

async function openPglite(options: DatabaseOptions, logger: Logger, count: () => number): Promise<Database> {
  // The caller owns the folder and holds its lock (runtime.ts).
  const dataDir = options.dataDir ? path.join(options.dataDir, 'pgdata') : undefined;
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const cacheMb = options.embeddedCacheMb ?? LIMITS.embeddedDb.defaultCacheMb;
  if (dataDir && !fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await firstStartInChild(dataDir, cacheMb);
  }
  const loadDataDir = dataDir ? undefined : options.loadFrom;
  const client = await PGlite.create({ dataDir, loadDataDir, extensions: { pg_trgm }, startParams: embeddedStartParams(cacheMb) });
  const release = createLoopRelease(LIMITS.embeddedDb.maxLoopHoldMs, LIMITS.embeddedDb.loopTickMs);
  releaseLoopBetweenStatements(client, release);
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    dataDir: options.dataDir,
    statementCount: count,
    poolStats: () => ({ total: 1, idle: 1, waiting: 0 }),
    ping: async () => {
      await client.query('select 1');
    },
    migrate: async () => {
      await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    close: async () => {
      release.stop();
      if (!client.closed) {
        await client.exec('CHECKPOINT');
        await client.close();
      }
    },
  };
}

/** A copy of a new in-memory embedded database with the migrations applied (for `loadFrom`). */
export async function dumpMigratedEmbeddedDatabase(): Promise<Blob> {
  const client = await PGlite.create({ extensions: { pg_trgm } });
  await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
  const dump = await client.dumpDataDir('none');
  await client.close();
  return dump;
}

/** Creates the embedded database in `dataDir` and applies the migrations (embedded-first-start.ts runs it in a child). */
export async function createEmbeddedDatabase(dataDir: string, cacheMb: number): Promise<void> {
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm }, startParams: embeddedStartParams(cacheMb) });
  await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
  await client.exec('CHECKPOINT');
  await client.close();
}

/** Creates the embedded database and applies the migrations in a child process (embedded-first-start.ts). */
async function firstStartInChild(dataDir: string, cacheMb: number): Promise<void> {
  const script = siblingScriptArgs(import.meta.url, 'embedded-first-start');
  const child = spawn(process.execPath, [...process.execArgv, ...script, dataDir, String(cacheMb)], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    // A half-created folder would be taken for a database at the next start.
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`Creating the embedded database failed (exit code ${code}); see the messages above.`);
  }
}

/** Runs `fn` in one transaction; repos hand it to their services as `repo.transaction`. */
export function transactionRunner(db: Db) {
  return <T>(fn: (tx: Db) => Promise<T>): Promise<T> => db.transaction((tx) => fn(tx as unknown as Db));
}

/** True while some migration in the repository has not been applied yet (readiness answers 503 then). */
export async function hasPendingMigrations(db: Db): Promise<boolean> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return (row?.n ?? 0) < journal.entries.length;
}

/** True for PostgreSQL's unique_violation, which drizzle may wrap in its own error as the cause. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

/** Runs raw SQL and returns its rows; both drivers answer with a { rows } result. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A statement that stores bytes (an uploaded file). `build` gets the SQL expression that stands for
 * them. On PGlite they travel as the query's /dev/blob, read by pg_read_binary_file: a bytea
 * parameter is encoded in JavaScript there, and a 5 MB file took the 256 MB heap down. On
 * PostgreSQL they are a parameter, which node-postgres sends in binary.
 */
export async function queryRowsWithBytes<T>(db: Db, bytes: Buffer, build: (data: SQL) => SQL): Promise<T[]> {
  const client = (db as unknown as { $client?: unknown }).$client;
  if (client instanceof PGlite) {
    const query = new PgDialect().sqlToQuery(build(sql`pg_read_binary_file('/dev/blob')`));
    const result = await client.query<T>(query.sql, query.params, { blob: new Blob([new Uint8Array(bytes)]) });
    return result.rows;
  }
  return queryRows<T>(db, build(sql`${bytes}`));
}
