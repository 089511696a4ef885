import { sql, type SQL } from 'drizzle-orm';
import { TASK_STATUSES } from '../../../shared/domain.js';
import { alias } from 'drizzle-orm/pg-core';
import { renderedStatement } from '../../db/rendered-sql.js';
import { queryRows, type Db } from '../../platform/db.js';
import { taskActivities, taskContacts, tasks, users } from '../../db/schema/index.js';
import { inList, isoSql } from '../../db/sql-helpers.js';
import { versionFirst } from '../../db/versions.sql.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { OPEN_STATUSES_SQL, taskJson, taskSortKey, type TaskSort } from './tasks.sql.js';

const a = alias(taskActivities, 'a');

export type TaskFilter = {
  statuses?: string[];
  priorities?: string[];
  projectId?: string;
  contactId?: string;
  dueFrom?: Date;
  dueTo?: Date;
  parentTaskId?: string;
  topLevel?: boolean;
};
export type TaskPageRequest = { sort: TaskSort; order: 'asc' | 'desc'; limit: number; after?: CursorPosition };
export type JsonRow = { j: string; k: string | null; id: string };

function filterSql(userId: string, f: TaskFilter): SQL {
  const where: SQL[] = [sql`t.user_id = ${userId}`, sql`t.deleted_at is null`];
  if (f.statuses?.length) where.push(sql`t.status in ${inList(f.statuses)}`);
  if (f.priorities?.length) where.push(sql`t.priority in ${inList(f.priorities)}`);
  if (f.projectId) where.push(sql`t.project_id = ${f.projectId}`);
  if (f.contactId) {
    where.push(sql`exists (select 1 from ${taskContacts} tc where tc.task_id = t.id and tc.contact_id = ${f.contactId})`);
  }
  if (f.dueFrom) where.push(sql`t.due_at >= ${f.dueFrom}`);
  if (f.dueTo) where.push(sql`t.due_at < ${f.dueTo}`);
  if (f.parentTaskId) where.push(sql`t.parent_task_id = ${f.parentTaskId}`);
  if (f.topLevel === true) where.push(sql`t.parent_task_id is null`);
  if (f.topLevel === false) where.push(sql`t.parent_task_id is not null`);
  return sql.join(where, sql` and `);
}

/** The task with its subtasks (in list order), as JSON text. Rendered once (rendered-sql.ts). */
const detailStatement = renderedStatement<'userId' | 'id'>(
  ({ userId, id }) => sql`
        select ${versionFirst(
          sql`t.version`,
          sql`${taskJson('t')}::jsonb || jsonb_build_object('subtasks', coalesce((
          select jsonb_agg(${taskJson('s')}::jsonb order by s.position, s.id)
          from ${tasks} s where s.user_id = ${userId} and s.parent_task_id = t.id and s.deleted_at is null
        ), '[]'::jsonb))`,
        )} as j
        from ${tasks} t
        where t.user_id = ${userId} and t.id = ${id} and t.deleted_at is null`,
);

/** Reads: every one is a single statement, related rows included. */
export function createTasksRepo(db: Db) {
  return {
    async findPage(userId: string, filter: TaskFilter, page: TaskPageRequest): Promise<JsonRow[]> {
      const { expr, cast } = taskSortKey(page.sort, page.order);
      const dir = page.order === 'desc' ? sql`desc` : sql`asc`;
      const cmp = page.order === 'desc' ? sql`<` : sql`>`;
      const after = page.after ? sql` and (${expr}, t.id) ${cmp} (${page.after.key}::${cast}, ${page.after.id}::uuid)` : sql``;
      return queryRows<JsonRow>(
        db,
        sql`
        select ${taskJson('t')}::text as j, (${expr})::text as k, t.id as id
        from ${tasks} t
        where ${filterSql(userId, filter)}${after}
        order by ${expr} ${dir}, t.id ${dir}
        limit ${page.limit + 1}`,
      );
    },

    /** The task with its subtasks (in list order), as JSON text. */
    async findDetailJson(userId: string, id: string, tx: Db = db): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(tx, detailStatement({ userId, id }));
      return row?.j;
    },

    /** Undefined when the task is not the user's; otherwise the page (newest first), possibly empty. */
    async findActivityPage(userId: string, taskId: string, limit: number, after?: CursorPosition) {
      const afterSql = after ? sql` and (a.created_at, a.id) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      const rows = await queryRows<{ j: string | null; k: string | null; id: string | null }>(
        db,
        sql`
        select p.j, p.k, p.id
        from ${tasks} t
        left join lateral (
          select json_build_object('id', ${a.id}, 'action', ${a.action}, 'actor', ${a.actor}, 'changes', ${a.changes},
                                   'createdAt', ${isoSql(a.createdAt)})::text as j,
                 a.created_at::text as k, a.id
          from ${taskActivities} a
          where a.user_id = ${userId} and a.task_id = t.id${afterSql}
          order by a.created_at desc, a.id desc
          limit ${limit + 1}
        ) p on true
        where t.user_id = ${userId} and t.id = ${taskId} and t.deleted_at is null`,
      );
      if (!rows.length) return undefined;
      return rows.filter((r): r is JsonRow => r.j !== null);
    },

    /**
     * Every figure in one statement. `now` comes from the injected clock; "today" is the user's
     * calendar day in their own time zone, so its bounds are computed in SQL from users.timezone.
     */
    async analyticsJson(userId: string, projectId: string | undefined, now: Date): Promise<string> {
      const project = projectId ? sql` and t.project_id = ${projectId}` : sql``;
      const isOpen = sql`t.status in ${OPEN_STATUSES_SQL}`;
      const byStatus = (s: string) => sql`${s}::text, count(*) filter (where t.status = ${s})`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with day as (
          select (date_trunc('day', ${now}::timestamptz at time zone u.timezone) at time zone u.timezone) as starts,
                 ((date_trunc('day', ${now}::timestamptz at time zone u.timezone) + interval '1 day') at time zone u.timezone) as ends
          from ${users} u where u.id = ${userId}
        )
        select json_build_object(
          'byStatus', json_build_object(${sql.join(TASK_STATUSES.map(byStatus), sql`, `)}),
          'total', count(t.id),
          'overdue', count(*) filter (where ${isOpen} and t.due_at < ${now}::timestamptz),
          'dueToday', count(*) filter (where ${isOpen} and t.due_at >= day.starts and t.due_at < day.ends),
          'completionRate', (count(*) filter (where t.status = 'completed'))::float8
                            / nullif(count(*) filter (where t.status <> 'cancelled'), 0),
          'meanMinutesToComplete', (avg(extract(epoch from t.completed_at - t.created_at) / 60)
                                    filter (where t.status = 'completed' and t.completed_at is not null))::float8
        )::text as j
        from day left join ${tasks} t on t.user_id = ${userId} and t.deleted_at is null${project}`,
      );
      return row!.j;
    },
  };
}
export type TasksRepo = ReturnType<typeof createTasksRepo>;
