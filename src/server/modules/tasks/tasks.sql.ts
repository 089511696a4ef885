import { sql, type SQL } from 'drizzle-orm';
import { contacts, projects, taskContacts, tasks } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';

export const OPEN_STATUSES_SQL = sql`('pending', 'in_progress', 'waiting_approval')`;

/**
 * The API shape of a task, built by PostgreSQL so that a page is never parsed and re-serialised.
 * `alias` names the tasks row in the surrounding query (the detail nests subtasks under another alias).
 */
export function taskJson(alias: 't' | 's'): SQL {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  return sql`json_build_object(
    'id', ${col('id')},
    'title', ${col('title')},
    'description', ${col('description')},
    'status', ${col('status')},
    'priority', ${col('priority')},
    'owner', ${col('owner')},
    'dueAt', ${isoSql(col('due_at'))},
    'estimatedMinutes', ${col('estimated_minutes')},
    'actualMinutes', ${col('actual_minutes')},
    'position', ${col('position')},
    'projectId', ${col('project_id')},
    'project', (select json_build_object('id', p.id, 'name', p.name, 'color', p.color)
                from ${projects} p where p.id = ${col('project_id')}),
    'parentTaskId', ${col('parent_task_id')},
    'subtaskCounts', (select json_build_object('total', count(*), 'completed', count(*) filter (where c.status = 'completed'))
                      from ${tasks} c where c.parent_task_id = ${col('id')} and c.deleted_at is null),
    'contacts', coalesce((
      select json_agg(json_build_object(
          'id', k.id,
          'name', k.name,
          'photoUrl', case when k.photo_id is null then null else '/api/photos/' || k.photo_id end
        ) order by lower(k.name), k.id)
      from ${taskContacts} tc join ${contacts} k on k.id = tc.contact_id
      where tc.task_id = ${col('id')}
    ), '[]'::json),
    'completedAt', ${isoSql(col('completed_at'))},
    'createdAt', ${isoSql(col('created_at'))},
    'updatedAt', ${isoSql(col('updated_at'))}
  )`;
}

export const TASK_SORTS = ['position', 'due', 'created', 'priority'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];

/**
 * Keyset sort keys. Tasks without a due date sort last in both directions, so the key
 * expression depends on the direction; the cast turns a cursor's text key back into the type.
 */
export function taskSortKey(sort: TaskSort, order: 'asc' | 'desc'): { expr: SQL; cast: SQL } {
  switch (sort) {
    case 'position':
      return { expr: sql`t.position`, cast: sql`double precision` };
    case 'due':
      return {
        expr: order === 'asc' ? sql`coalesce(t.due_at, 'infinity'::timestamptz)` : sql`coalesce(t.due_at, '-infinity'::timestamptz)`,
        cast: sql`timestamptz`,
      };
    case 'created':
      return { expr: sql`t.created_at`, cast: sql`timestamptz` };
    case 'priority':
      return { expr: sql`t.priority`, cast: sql`task_priority` };
  }
}
