import { OPEN_TASK_STATUSES } from '../../../shared/domain.js';
import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts, projects, taskContacts, tasks } from '../../db/schema/index.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import type { TaskSort } from '../../../shared/api/tasks.js';

export type { TaskSort };

// Literals, not parameters: fixed values that let the planner use what it knows of them.
export const OPEN_STATUSES_SQL = sql.raw(`(${OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/**
 * The API shape of a task, built by PostgreSQL so that a page is never parsed and re-serialised.
 * `alias` names the tasks row in the surrounding query (the detail nests subtasks under another alias).
 */
const p = alias(projects, 'p');
const sub = alias(tasks, 'c');
const k = alias(contacts, 'k');
const tc = alias(taskContacts, 'tc');

export const taskJson = (name: 't' | 's'): SQL => (name === 't' ? TASK_JSON_T : TASK_JSON_S);

function taskJsonOf(name: 't' | 's'): SQL {
  const t = alias(tasks, name);
  return sql`json_build_object(
    'version', ${t.version},
    'id', ${t.id},
    'title', ${t.title},
    'description', ${t.description},
    'status', ${t.status},
    'priority', ${t.priority},
    'owner', ${t.owner},
    'dueAt', ${isoSql(t.dueAt)},
    'estimatedMinutes', ${t.estimatedMinutes},
    'actualMinutes', ${t.actualMinutes},
    'position', ${t.position},
    'projectId', ${t.projectId},
    'project', (select json_build_object('id', ${p.id}, 'name', ${p.name}, 'color', ${p.color})
                from ${projects} p where ${p.id} = ${t.projectId}),
    'parentTaskId', ${t.parentTaskId},
    'subtaskCounts', (select json_build_object('total', count(*), 'completed', count(*) filter (where ${sub.status} = 'completed'))
                      from ${tasks} c where ${sub.parentTaskId} = ${t.id} and ${sub.deletedAt} is null),
    'contacts', coalesce((
      select json_agg(json_build_object('id', ${k.id}, 'name', ${k.name}, 'photoUrl', ${photoUrlSql(k.photoId)}) order by lower(${k.name}), ${k.id})
      from ${taskContacts} tc join ${contacts} k on ${k.id} = ${tc.contactId}
      where ${tc.taskId} = ${t.id}
    ), '[]'::json),
    'completedAt', ${isoSql(t.completedAt)},
    'createdAt', ${isoSql(t.createdAt)},
    'updatedAt', ${isoSql(t.updatedAt)}
  )`;
}
// Rendered once (rendered-sql.ts): every task list, detail and write answer embeds one.
const TASK_JSON_T = renderedFragment(taskJsonOf('t'));
const TASK_JSON_S = renderedFragment(taskJsonOf('s'));

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
