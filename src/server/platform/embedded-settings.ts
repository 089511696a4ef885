import { PGlite } from '@electric-sql/pglite';
import { LIMITS } from './limits.js';

/**
 * PostgreSQL settings the embedded database starts with (issue 17: the server's RSS within
 * 250 MB). Inside PGlite every byte PostgreSQL touches is a page of one WebAssembly memory, which
 * never shrinks: shared buffers are written in full at start, and a sort's work memory stays
 * resident after the sort. So the settings are the fixed cost of the embedded default.
 *
 * - shared_buffers (`EMBEDDED_CACHE_MB`, 16 MB by default instead of initdb's 128 MB): the data
 *   files are read through the operating system's page cache, which serves a hot page in a few
 *   microseconds and lives outside the process; the server's own cached reads answer the
 *   repeated requests without SQL at all.
 * - wal_buffers follows shared_buffers (1/32 of it); temp_buffers is for temporary tables, which
 *   nothing creates; maintenance_work_mem bounds index builds in migrations.
 * - work_mem stays at PostgreSQL's 4 MB: the dashboard's aggregates and the sorted lists fit in it.
 * - hash_mem_multiplier 1 (PostgreSQL's default is 2): a hash join or aggregate may take work_mem,
 *   not twice it. The memory a statement took stays resident, so one import's hash tables would
 *   otherwise raise the server's size for the rest of its life.
 * - random_page_cost as on PostgreSQL (LIMITS.database.randomPageCost): the data is cached.
 */
export function embeddedStartParams(cacheMb: number): string[] {
  const m = LIMITS.embeddedDb;
  const settings: Record<string, string> = {
    shared_buffers: `${cacheMb}MB`,
    temp_buffers: `${m.tempBuffersMb}MB`,
    work_mem: `${m.workMemMb}MB`,
    hash_mem_multiplier: String(m.hashMemMultiplier),
    maintenance_work_mem: `${m.maintenanceWorkMemMb}MB`,
    random_page_cost: String(LIMITS.database.randomPageCost),
  };
  return [...PGlite.defaultStartParams, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
}
