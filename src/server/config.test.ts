import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const PROD_SECRETS = { SESSION_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'ab'.repeat(32) };

function errorOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('starts with no settings at all, on the embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      isProduction: false,
      host: '127.0.0.1',
      port: 3000,
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      sessionTtlDays: 30,
      trustProxy: false,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the settings it is given, treating blank values as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db.internal:5432/crm',
      REDIS_URL: 'rediss://cache.internal:6380',
      TRUST_PROXY: '1',
      SESSION_TTL_DAYS: '7',
      HOST: '',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://u:p@db.internal:5432/crm',
      redisUrl: 'rediss://cache.internal:6380',
      trustProxy: 1,
      sessionTtlDays: 7,
      host: '127.0.0.1',
    });
  });

  it.each([['abc'], ['-1'], ['70000'], ['80.5']])('refuses PORT=%s, naming the setting', (port) => {
    expect(errorOf({ PORT: port }).message).toMatch(/^Invalid configuration:\n\s+PORT: /);
  });

  it.each([['mysql://localhost/crm'], ['localhost:5432'], ['not a url']])('refuses DATABASE_URL=%s, saying what it must be', (url) => {
    expect(errorOf({ DATABASE_URL: url }).message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it('refuses a bad REDIS_URL, a short SESSION_SECRET and a malformed ENCRYPTION_KEY', () => {
    expect(errorOf({ REDIS_URL: 'http://cache' }).message).toMatch(/REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(errorOf({ SESSION_SECRET: 'short' }).message).toMatch(/SESSION_SECRET: must be at least 32 characters/);
    expect(errorOf({ ENCRYPTION_KEY: 'zz'.repeat(32) }).message).toMatch(/ENCRYPTION_KEY: must be 64 hex characters/);
    expect(errorOf({ NODE_ENV: 'staging' }).message).toMatch(/NODE_ENV: /);
  });

  it('names every bad setting at once', () => {
    const message = errorOf({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }).message;
    expect(message).toMatch(/PORT: /);
    expect(message).toMatch(/DATABASE_URL: /);
    expect(message).toMatch(/LOG_LEVEL: /);
  });

  it('refuses production without its secrets, naming each missing one', () => {
    const both = errorOf({ NODE_ENV: 'production' }).message;
    expect(both).toMatch(/SESSION_SECRET: required when NODE_ENV=production/);
    expect(both).toMatch(/ENCRYPTION_KEY: required when NODE_ENV=production/);

    const one = errorOf({ NODE_ENV: 'production', SESSION_SECRET: PROD_SECRETS.SESSION_SECRET }).message;
    expect(one).toMatch(/ENCRYPTION_KEY: required/);
    expect(one).not.toMatch(/SESSION_SECRET/);

    const blank = errorOf({ NODE_ENV: 'production', ...PROD_SECRETS, ENCRYPTION_KEY: '' }).message;
    expect(blank).toMatch(/ENCRYPTION_KEY: required/);
  });

  it('starts in production with both secrets set', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...PROD_SECRETS });
    expect(config.isProduction).toBe(true);
    expect(config.sessionSecret).toBe(PROD_SECRETS.SESSION_SECRET);
  });
});

describe('the mindfulcrm command', () => {
  it('stops before doing anything, with exit code 2 and a message naming the bad setting', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: 'eighty', DATABASE_URL: 'mysql://localhost/crm' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Invalid configuration:\n\s+PORT: /);
    expect(result.stderr).toMatch(/DATABASE_URL: must be a postgres/);
    expect(result.stderr).not.toMatch(/\bat \w+ \(/);
  });
});
