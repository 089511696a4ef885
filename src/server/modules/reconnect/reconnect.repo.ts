import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { isoSql } from '../../db/sql-helpers.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { dueContactsSql, type CadenceDefaults } from './reconnect.sql.js';

export type PageRow = { j: string; k: string; id: string };

export function createReconnectRepo(db: Db) {
  return {
    /** One statement: contacts past their cadence, most overdue (earliest due) first. */
    findPage(userId: string, now: Date, defaults: CadenceDefaults, limit: number, after?: CursorPosition): Promise<PageRow[]> {
      const at = sql`${now.toISOString()}::timestamptz`;
      const afterSql = after ? sql`where (r.due, r.id) > (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return queryRows<PageRow>(
        db,
        sql`
        select json_build_object(
            'contact', json_build_object(
              'id', r.id,
              'name', r.name,
              'photoUrl', case when r.photo_id is null then null else '/api/photos/' || r.photo_id end,
              'lifecycleStage', r.lifecycle_stage,
              'lastContactAt', ${isoSql(sql`r.last_contact_at`)}),
            'cadenceDays', r.cadence,
            'daysSinceContact', floor(extract(epoch from (${at} - r.since)) / 86400)::int,
            'overdueDays', floor(extract(epoch from (${at} - r.due)) / 86400)::int
          )::text as j,
          ${isoSql(sql`r.due`)} as k, r.id
        from ${dueContactsSql(userId, now, defaults)} r
        ${afterSql}
        order by r.due, r.id
        limit ${limit + 1}`,
      );
    },
  };
}
export type ReconnectRepo = ReturnType<typeof createReconnectRepo>;
