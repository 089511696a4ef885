import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Database } from '../src/server/platform/db.js';
import type { Size } from './sizes.js';

/** The configurations the benchmark can run: the embedded default, and PostgreSQL with or without Redis. */
export const DATABASES = ['embedded', 'postgres', 'postgres+redis'] as const;
export type DatabaseChoice = (typeof DATABASES)[number];

export const DATABASE_LABELS: Record<DatabaseChoice, string> = {
  embedded: 'embedded (PGlite)',
  postgres: 'PostgreSQL',
  'postgres+redis': 'PostgreSQL + Redis',
};

/** What runs when --databases is not given: the configuration the environment describes. */
export function defaultDatabases(env: NodeJS.ProcessEnv): DatabaseChoice[] {
  if (!env.DATABASE_URL) return ['embedded'];
  return [env.REDIS_URL ? 'postgres+redis' : 'postgres'];
}

export function parseDatabases(value: string | undefined, env: NodeJS.ProcessEnv): DatabaseChoice[] {
  if (!value) return defaultDatabases(env);
  const chosen = value.split(',').map((v) => v.trim());
  for (const c of chosen) {
    if (!(DATABASES as readonly string[]).includes(c)) throw new Error(`Unknown database "${c}"; choose from ${DATABASES.join(', ')}`);
    if (c !== 'embedded' && !env.DATABASE_URL)
      throw new Error(`--databases ${c} needs DATABASE_URL (an admin connection that may create databases)`);
    if (c === 'postgres+redis' && !env.REDIS_URL) throw new Error('--databases postgres+redis needs REDIS_URL');
  }
  return chosen as DatabaseChoice[];
}

export type Target = {
  /** Environment for the server process. */
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
};

/** A fresh database per size and configuration: a new PostgreSQL database, or a new PGlite folder. */
export async function prepareTarget(choice: DatabaseChoice, size: Size, env: NodeJS.ProcessEnv): Promise<Target> {
  if (choice === 'embedded') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcrm-bench-'));
    return {
      // The server must not pick up the caller's PostgreSQL or Redis: the embedded default uses neither.
      env: { DATA_DIR: dir, DATABASE_URL: '', REDIS_URL: '' },
      open: () => openDatabase({ dataDir: dir, log: pino({ level: 'silent' }) }),
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = env.DATABASE_URL!;
  const name = `mcrm_bench_${size.name.replace(/\W+/g, '_').toLowerCase().slice(0, 20)}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: {
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '20',
      REDIS_URL: choice === 'postgres+redis' ? env.REDIS_URL! : '',
    },
    open: () => openDatabase({ databaseUrl: url.toString(), log: pino({ level: 'silent' }) }),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
