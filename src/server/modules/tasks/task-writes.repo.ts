import { and, eq, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import { contacts, projects, taskActivities, taskContacts, tasks } from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import { nextVersion } from '../../db/versions.sql.js';

export type TaskRow = typeof tasks.$inferSelect;
export type TaskWrite = Partial<Omit<typeof tasks.$inferInsert, 'id' | 'userId'>>;
export type ActivityChanges = Record<string, { from: unknown; to: unknown }>;
export type Refs = { projectId?: string | null; parentTaskId?: string | null; contactIds?: string[] };
export type RefsFound = {
  hasProject: boolean;
  parent: { id: string; projectId: string | null } | null;
  /** True when the proposed parent is the task itself or one of its descendants. */
  isCycle: boolean;
  contactIds: string[];
};
export type Sibling = { id: string; parentTaskId: string | null; position: number };

/** Gap between neighbours when a list is created or rebalanced. */
export const POSITION_STEP = 1024;

const siblingsOf = (userId: string, parentTaskId: string | null) =>
  sql`user_id = ${userId} and parent_task_id is not distinct from ${parentTaskId}::uuid`;

/** Task writes; the service runs them inside one transaction per request. */
export function createTaskWritesRepo(db: Db) {
  return {
    transaction: transactionRunner(db),

    async lockRow(userId: string, id: string, tx: Db): Promise<TaskRow | undefined> {
      const [row] = await tx
        .select()
        .from(tasks)
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id), isNull(tasks.deletedAt)))
        .for('update');
      return row;
    },

    /** One statement resolving every id a write names, each scoped to the user. */
    async checkRefs(userId: string, refs: Refs, selfId: string | undefined, tx: Db): Promise<RefsFound> {
      const project = refs.projectId ?? null;
      const parent = refs.parentTaskId ?? null;
      const contactIds = refs.contactIds ?? [];
      const cycle =
        parent && selfId
          ? sql`(with recursive up as (
                 select id, parent_task_id from ${tasks} where user_id = ${userId} and id = ${parent}::uuid
                 union
                 select x.id, x.parent_task_id from ${tasks} x join up on x.id = up.parent_task_id where x.user_id = ${userId}
               ) select exists (select 1 from up where up.id = ${selfId}::uuid))`
          : sql`false`;
      const [row] = await queryRows<{ has_project: boolean; parent: RefsFound['parent']; is_cycle: boolean; contact_ids: string[] | null }>(
        tx,
        sql`
        select
          exists (select 1 from ${projects} where user_id = ${userId} and id = ${project}::uuid) as has_project,
          (select json_build_object('id', id, 'projectId', project_id) from ${tasks}
            where user_id = ${userId} and id = ${parent}::uuid and deleted_at is null) as parent,
          ${cycle} as is_cycle,
          ${
            contactIds.length
              ? sql`(select array_agg(id) from ${contacts} where user_id = ${userId} and id in ${inList(contactIds)})`
              : sql`null::uuid[]`
          } as contact_ids`,
      );
      return { hasProject: row!.has_project, parent: row!.parent, isCycle: row!.is_cycle, contactIds: row!.contact_ids ?? [] };
    },

    /** Inserts at the end of its list (its siblings under the same parent). */
    async insert(userId: string, values: TaskWrite & { title: string }, tx: Db): Promise<TaskRow> {
      const parent = values.parentTaskId ?? null;
      const [row] = await tx
        .insert(tasks)
        .values({
          ...values,
          userId,
          position: sql`(select coalesce(max(position), 0) + ${POSITION_STEP} from ${tasks} where ${siblingsOf(userId, parent)})`,
        })
        .returning();
      return row!;
    },

    /** `toEndOf` moves the task to the end of a new list (its parent changed). */
    async update(userId: string, id: string, values: TaskWrite, toEndOf: { parentTaskId: string | null } | undefined, tx: Db) {
      const position = toEndOf
        ? {
            position: sql`(select coalesce(max(position), 0) + ${POSITION_STEP} from ${tasks} where ${siblingsOf(userId, toEndOf.parentTaskId)} and id <> ${id})`,
          }
        : {};
      // Every update (edits and board moves) moves the task to its next version in the same statement.
      await tx
        .update(tasks)
        .set({ ...values, ...position, version: nextVersion(tasks.version) })
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)));
    },

    async findContactIds(userId: string, taskId: string, tx: Db): Promise<string[]> {
      const rows = await tx
        .select({ id: taskContacts.contactId })
        .from(taskContacts)
        .where(and(eq(taskContacts.userId, userId), eq(taskContacts.taskId, taskId)));
      return rows.map((r) => r.id);
    },

    async setContacts(userId: string, taskId: string, contactIds: string[], tx: Db) {
      await tx.delete(taskContacts).where(and(eq(taskContacts.userId, userId), eq(taskContacts.taskId, taskId)));
      if (!contactIds.length) return;
      await tx.execute(sql`
        insert into ${taskContacts} (task_id, contact_id, user_id)
        select ${taskId}, k.id, ${userId} from ${contacts} k where k.user_id = ${userId} and k.id in ${inList(contactIds)}`);
    },

    /**
     * Activity times never go backwards for a task, and two entries written in the same
     * millisecond (or under a pinned clock) still list newest first.
     */
    async insertActivity(
      userId: string,
      taskId: string,
      entry: { action: string; actor: 'user' | 'assistant'; changes: ActivityChanges; at: Date },
      tx: Db,
    ) {
      await tx.execute(sql`
        insert into ${taskActivities} (user_id, task_id, actor, action, changes, created_at)
        select ${userId}, ${taskId}, ${entry.actor}, ${entry.action}, ${JSON.stringify(entry.changes)}::jsonb,
          greatest(${entry.at}::timestamptz,
                   (select max(created_at) + interval '1 millisecond' from ${taskActivities} where task_id = ${taskId}))`);
    },

    /**
     * Soft delete of the task and its subtasks (all stamped with the same time, so a restore
     * brings back exactly what this delete took); the purge job removes them later.
     */
    async softDelete(userId: string, id: string, at: Date, tx: Db) {
      const [row] = await queryRows<{ id: string; title: string; parentTaskId: string | null }>(
        tx,
        sql`
        with recursive doomed as (
          select id from ${tasks} where user_id = ${userId} and id = ${id} and deleted_at is null
          union
          select c.id from ${tasks} c join doomed d on c.parent_task_id = d.id where c.user_id = ${userId} and c.deleted_at is null
        ), gone as (
          update ${tasks} x set deleted_at = ${at.toISOString()}::timestamptz, version = x.version + 1
          from doomed d where x.id = d.id
          returning x.id, x.title, x.parent_task_id
        )
        select id, title, parent_task_id as "parentTaskId" from gone where id = ${id}`,
      );
      return row;
    },

    /** Undoes a soft delete: the task and the subtasks deleted with it. */
    async restore(userId: string, id: string, tx: Db) {
      const [row] = await queryRows<{ id: string; title: string; parentTaskId: string | null }>(
        tx,
        sql`
        with recursive target as (
          select id, deleted_at from ${tasks} where user_id = ${userId} and id = ${id} and deleted_at is not null
        ), back as (
          select t.id from target t
          union
          select c.id from ${tasks} c join back b on c.parent_task_id = b.id
          where c.user_id = ${userId} and c.deleted_at = (select deleted_at from target)
        ), restored as (
          update ${tasks} x set deleted_at = null, version = x.version + 1 from back b where x.id = b.id
          returning x.id, x.title, x.parent_task_id
        )
        select id, title, parent_task_id as "parentTaskId" from restored where id = ${id}`,
      );
      return row;
    },

    // Ordering. A list is the user's tasks under one parent (top-level tasks form one list).

    /** Serialises moves within one list, so two moves never pick the same gap. */
    async lockList(userId: string, parentTaskId: string | null, tx: Db) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`tasks:${userId}:${parentTaskId ?? 'top'}`}))`);
    },

    /**
     * The moved task, locked: its list cannot change under the move. Locks are always taken in
     * the order task row, then list (moves, and edits that change the parent).
     */
    async lockSibling(userId: string, id: string, tx: Db): Promise<Sibling | undefined> {
      const [row] = await tx
        .select({ id: tasks.id, parentTaskId: tasks.parentTaskId, position: tasks.position })
        .from(tasks)
        .where(and(eq(tasks.userId, userId), eq(tasks.id, id)))
        .for('update');
      return row;
    },

    async findSiblings(userId: string, ids: string[], tx: Db): Promise<Sibling[]> {
      if (!ids.length) return [];
      return tx
        .select({ id: tasks.id, parentTaskId: tasks.parentTaskId, position: tasks.position })
        .from(tasks)
        .where(sql`${tasks.userId} = ${userId} and ${tasks.id} in ${inList(ids)}`);
    },

    /** The list neighbour of `anchor` on one side (in (position, id) order), skipping `exceptId`. */
    async findNeighbour(userId: string, anchor: Sibling, side: 'prev' | 'next', exceptId: string, tx: Db) {
      const cmp = side === 'prev' ? sql`<` : sql`>`;
      const dir = side === 'prev' ? sql`desc` : sql`asc`;
      const [row] = await queryRows<{ position: number }>(
        tx,
        sql`
        select position from ${tasks}
        where ${siblingsOf(userId, anchor.parentTaskId)} and id <> ${exceptId}
          and (position, id) ${cmp} (${anchor.position}::float8, ${anchor.id}::uuid)
        order by position ${dir}, id ${dir} limit 1`,
      );
      return row?.position;
    },

    /** The first or last position of a list, skipping `exceptId`. */
    async findEdge(userId: string, parentTaskId: string | null, edge: 'first' | 'last', exceptId: string, tx: Db) {
      const agg = edge === 'first' ? sql`min(position)` : sql`max(position)`;
      const [row] = await queryRows<{ position: number | null }>(
        tx,
        sql`
        select ${agg} as position from ${tasks} where ${siblingsOf(userId, parentTaskId)} and id <> ${exceptId}`,
      );
      return row?.position ?? undefined;
    },

    /**
     * Spreads a list out evenly again, keeping its order (ties broken by id, as lists are). Versions
     * stay: the order every reader sees is unchanged, so an edit made from before is not stale.
     */
    async rebalance(userId: string, parentTaskId: string | null, tx: Db) {
      await tx.execute(sql`
        update ${tasks} x set position = r.n * ${POSITION_STEP}
        from (select id, row_number() over (order by position, id) as n from ${tasks} where ${siblingsOf(userId, parentTaskId)}) r
        where x.id = r.id and x.user_id = ${userId}`);
    },
  };
}
export type TaskWritesRepo = ReturnType<typeof createTaskWritesRepo>;
