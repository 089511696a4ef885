import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, type Db } from '../../platform/db.js';
import { findContactChildPage } from '../../db/contact-child-page.js';
import { contacts, goals } from '../../db/schema/index.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import { nextVersion, versionIs } from '../../db/versions.sql.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';

export type PageRow = KeyedJsonRow;
export type PageRequest = { status?: string; limit: number; after?: CursorPosition };
export type GoalWrite = {
  title: string;
  description: string;
  targetValue: number | null;
  currentValue: number;
  unit: string;
  status: string;
  deadline: string | null;
};

const g = alias(goals, 'g');
const c = alias(contacts, 'c');

/** The API shape of a goal aliased `g` with its contact aliased `c`. */
const goalJson = renderedFragment(sql`json_build_object(
  'version', ${g.version},
  'id', ${g.id},
  'contactId', ${g.contactId},
  'title', ${g.title},
  'description', ${g.description},
  'targetValue', ${g.targetValue},
  'currentValue', ${g.currentValue},
  'unit', ${g.unit},
  'status', ${g.status},
  'deadline', to_char(${g.deadline}, 'YYYY-MM-DD'),
  'completedAt', case when ${g.completedAt} is null then null else ${isoSql(g.completedAt)} end,
  'progress', case when ${g.targetValue} > 0 then least(1, greatest(0, ${g.currentValue} / ${g.targetValue}))::float8 end,
  'createdAt', ${isoSql(g.createdAt)},
  'updatedAt', ${isoSql(g.updatedAt)},
  'contact', json_build_object('id', ${c.id}, 'name', ${c.name})
)`);
const createdKey = isoSql(g.createdAt);

const COLUMN: Record<keyof GoalWrite, string> = {
  title: 'title',
  description: 'description',
  targetValue: 'target_value',
  currentValue: 'current_value',
  unit: 'unit',
  status: 'status',
  deadline: 'deadline',
};

function pageFilter(page: PageRequest): SQL {
  const parts: SQL[] = [];
  if (page.status) parts.push(sql` and g.status = ${page.status}`);
  if (page.after) parts.push(sql` and (g.created_at, g.id) < (${page.after.key}::timestamptz, ${page.after.id}::uuid)`);
  return sql.join(parts, sql``);
}

export function createGoalsRepo(db: Db) {
  return {
    /** One statement: the user's goals, newest first, each with its contact. */
    findPage(userId: string, page: PageRequest): Promise<PageRow[]> {
      return queryRows<PageRow>(
        db,
        sql`
        select ${goalJson}::text as j, ${createdKey} as k, g.id
        from ${goals} g join ${contacts} c on c.id = g.contact_id
        where g.user_id = ${userId} and g.deleted_at is null${pageFilter(page)}
        order by g.created_at desc, g.id desc
        limit ${page.limit + 1}`,
      );
    },

    /** One statement: a contact's goals; undefined when the contact is not the user's. */
    findContactPage(userId: string, contactId: string, page: PageRequest): Promise<PageRow[] | undefined> {
      return findContactChildPage(
        db,
        userId,
        contactId,
        sql`
        select ${goalJson}::text as j, ${createdKey} as k, g.created_at as at, g.id
        from ${goals} g
        where g.contact_id = c.id and g.user_id = ${userId} and g.deleted_at is null${pageFilter(page)}
        order by g.created_at desc, g.id desc
        limit ${page.limit + 1}`,
      );
    },

    /** Inserts and answers the goal's JSON; undefined when the contact is not the user's. */
    async insert(userId: string, contactId: string, w: GoalWrite, now: Date): Promise<string | undefined> {
      const completedAt = w.status === 'completed' ? timestampParam(now) : sql`null`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with g as (
          insert into ${goals}
            (user_id, contact_id, title, description, target_value, current_value, unit, status, deadline,
             completed_at, created_at, updated_at)
          select ${userId}, c.id, ${w.title}, ${w.description}, ${w.targetValue}, ${w.currentValue}, ${w.unit},
                 ${w.status}::goal_status, ${w.deadline}::date, ${completedAt}, ${timestampParam(now)}, ${timestampParam(now)}
          from ${contacts} c where c.id = ${contactId} and c.user_id = ${userId}
          returning *
        )
        select ${goalJson}::text as j from g join ${contacts} c on c.id = g.contact_id`,
      );
      return row?.j;
    },

    /**
     * Applies the patch in one statement. Becoming completed stamps completed_at (kept while it
     * stays completed); any other status clears it.
     */
    async update(userId: string, id: string, patch: Partial<GoalWrite>, now: Date, expected?: number): Promise<string | undefined> {
      const sets = (Object.keys(COLUMN) as (keyof GoalWrite)[])
        .filter((key) => patch[key] !== undefined)
        .map((key) => sql`${sql.identifier(COLUMN[key])} = ${patch[key]}`);
      if (patch.status === 'completed') {
        sets.push(sql`completed_at = case when status = 'completed' then completed_at else ${timestampParam(now)} end`);
      } else if (patch.status) {
        sets.push(sql`completed_at = null`);
      }
      sets.push(sql`updated_at = ${timestampParam(now)}`);
      sets.push(sql`version = ${nextVersion(sql`version`)}`);
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with g as (
          update ${goals} set ${sql.join(sets, sql`, `)}
          where id = ${id} and user_id = ${userId} and deleted_at is null${versionIs(sql`version`, expected)}
          returning *
        )
        select ${goalJson}::text as j from g join ${contacts} c on c.id = g.contact_id`,
      );
      return row?.j;
    },

    /** The goal's JSON as it is now; undefined when it is not the user's or is deleted. */
    async findJson(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        select ${goalJson}::text as j from ${goals} g join ${contacts} c on c.id = g.contact_id
        where g.id = ${id} and g.user_id = ${userId} and g.deleted_at is null`,
      );
      return row?.j;
    },

    /** Soft delete: Undo restores it; the purge job removes it later. */
    async softDelete(userId: string, id: string, at: Date): Promise<boolean> {
      const rows = await queryRows(
        db,
        sql`update ${goals} set deleted_at = ${timestampParam(at)}, version = version + 1
            where id = ${id} and user_id = ${userId} and deleted_at is null returning id`,
      );
      return rows.length > 0;
    },

    /** Undoes a soft delete; answers the goal's JSON, undefined when there is nothing to restore. */
    async restore(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with g as (
          update ${goals} set deleted_at = null, version = version + 1
          where id = ${id} and user_id = ${userId} and deleted_at is not null returning *
        )
        select ${goalJson}::text as j from g join ${contacts} c on c.id = g.contact_id`,
      );
      return row?.j;
    },
  };
}
export type GoalsRepo = ReturnType<typeof createGoalsRepo>;
