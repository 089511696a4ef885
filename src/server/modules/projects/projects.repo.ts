import { and, eq, sql } from 'drizzle-orm';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import { projects as p, tasks } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import { nextVersion } from '../../db/versions.sql.js';
import type { CursorPosition } from '../../platform/cursor.js';

export type ProjectWrite = { name?: string; color?: string; isArchived?: boolean };

const x = alias(tasks, 'x');

/** The API shape of a project with its task counts (subtasks included), built by PostgreSQL. */
const projectJson = renderedFragment(sql`json_build_object(
  'version', ${p.version},
  'id', ${p.id},
  'name', ${p.name},
  'color', ${p.color},
  'isArchived', ${p.isArchived},
  'taskCounts', (
    select json_build_object(
      'total', count(*),
      'open', count(*) filter (where ${x.status} in ${OPEN_STATUSES_SQL}),
      'completed', count(*) filter (where ${x.status} = 'completed'))
    from ${tasks} x where ${x.projectId} = ${p.id} and ${x.deletedAt} is null
  ),
  'createdAt', ${isoSql(p.createdAt)},
  'updatedAt', ${isoSql(p.updatedAt)}
)`);

export function createProjectsRepo(db: Db) {
  return {
    transaction: transactionRunner(db),

    /** One statement: the page as JSON text rows, sorted by name (case-insensitive), then id. */
    async findPage(userId: string, archived: boolean | undefined, limit: number, after?: CursorPosition) {
      const archivedSql = archived === undefined ? sql`` : sql` and ${p.isArchived} = ${archived}`;
      const afterSql = after ? sql` and (lower(${p.name}), ${p.id}) > (${after.key}::text, ${after.id}::uuid)` : sql``;
      return queryRows<{ j: string; k: string; id: string }>(
        db,
        sql`
        select ${projectJson}::text as j, lower(${p.name}) as k, ${p.id} as id
        from ${p}
        where ${p.userId} = ${userId}${archivedSql}${afterSql}
        order by lower(${p.name}), ${p.id}
        limit ${limit + 1}`,
      );
    },

    async findJson(userId: string, id: string, tx: Db = db): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        tx,
        sql`
        select ${projectJson}::text as j from ${p} where ${p.userId} = ${userId} and ${p.id} = ${id}`,
      );
      return row?.j;
    },

    async insert(userId: string, values: { name: string; color?: string }, now: Date): Promise<string> {
      const [row] = await db
        .insert(p)
        .values({ ...values, userId, createdAt: now, updatedAt: now })
        .returning({ id: p.id });
      return row!.id;
    },

    /** Applies the edit at the next version; false when not the user's, or not at `expected` when given. */
    async update(userId: string, id: string, values: ProjectWrite, now: Date, expected: number | undefined, tx: Db): Promise<boolean> {
      const rows = await tx
        .update(p)
        .set({ ...values, updatedAt: now, version: nextVersion(p.version) })
        .where(and(eq(p.userId, userId), eq(p.id, id), expected === undefined ? undefined : eq(p.version, expected)))
        .returning({ id: p.id });
      return rows.length > 0;
    },

    async delete(userId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(p)
        .where(and(eq(p.userId, userId), eq(p.id, id)))
        .returning({ id: p.id });
      return rows.length > 0;
    },

    /** How many tasks a delete removes: the project's tasks and, through them, all their subtasks. */
    async countDoomedTasks(userId: string, id: string): Promise<number | undefined> {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`
        with recursive doomed as (
          select t.id from ${tasks} t where t.user_id = ${userId} and t.project_id = ${id} and t.deleted_at is null
          union
          select c.id from ${tasks} c join doomed d on c.parent_task_id = d.id where c.user_id = ${userId} and c.deleted_at is null
        )
        select (select count(*)::int from doomed) as n from ${p} where ${p.userId} = ${userId} and ${p.id} = ${id}`,
      );
      return row?.n;
    },
  };
}
export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
