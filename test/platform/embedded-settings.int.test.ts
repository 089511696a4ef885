import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { openDatabase, queryRows } from '../../src/server/platform/db.js';
import { sql } from 'drizzle-orm';

/** Issue 17: the embedded database starts with the memory settings of embedded-settings.ts. */
async function settingsOf(embeddedCacheMb: number): Promise<Record<string, string>> {
  const database = await openDatabase({ embeddedCacheMb, log: pino({ level: 'silent' }) });
  try {
    const rows = await queryRows<{ name: string; value: string }>(
      database.db,
      sql`select name, current_setting(name) as value from pg_settings
          where name in ('shared_buffers', 'work_mem', 'hash_mem_multiplier', 'temp_buffers', 'maintenance_work_mem', 'search_path')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  } finally {
    await database.close();
  }
}

describe('embedded database memory settings', () => {
  it('takes EMBEDDED_CACHE_MB as a whole number of MB, 16 by default, and names it when invalid', () => {
    expect(loadConfig({}).embeddedCacheMb).toBe(16);
    expect(loadConfig({ EMBEDDED_CACHE_MB: '64' }).embeddedCacheMb).toBe(64);
    for (const bad of ['0', 'lots', '1.5']) {
      expect(() => loadConfig({ EMBEDDED_CACHE_MB: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ EMBEDDED_CACHE_MB: bad })).toThrow(/EMBEDDED_CACHE_MB/);
    }
  });

  it.skipIf(!!process.env.DATABASE_URL)(
    'starts PGlite with the cache it is given and bounded work memory (PGlite only)',
    async () => {
      expect(await settingsOf(8)).toEqual({
        shared_buffers: '8MB',
        work_mem: '4MB',
        hash_mem_multiplier: '1',
        temp_buffers: '1MB',
        maintenance_work_mem: '16MB',
        // PGlite's own start parameters are kept beside ours.
        search_path: 'public',
      });
    },
    120_000,
  );
});
