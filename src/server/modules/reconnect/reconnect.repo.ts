import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts } from '../../db/schema/index.js';
import { queryRows, type Db } from '../../platform/db.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { dueContactsSql, type CadenceDefaults } from './reconnect.sql.js';

/** The due-contacts subquery keeps the contact columns under their own names. */
const r = alias(contacts, 'r');

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
              'id', ${r.id},
              'name', ${r.name},
              'photoUrl', ${photoUrlSql(r.photoId)},
              'lifecycleStage', ${r.lifecycleStage},
              'lastContactAt', ${isoSql(r.lastContactAt)}),
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
