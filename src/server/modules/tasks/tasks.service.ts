import { AppError, notFound } from '../../platform/errors.js';
import { StaleVersion, versionedWrite } from '../../platform/versions.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { TasksRepo } from './tasks.repo.js';
import type { Db } from '../../platform/db.js';
import type { Refs, RefsFound, TaskWritesRepo } from './task-writes.repo.js';
import type { ListTasksQuery, MoveInput, TaskInput } from '../../../shared/api/tasks.js';
import { completedAtFor, creationChanges, diffTask } from './task-changes.js';
import { createTaskMover } from './task-move.service.js';

type Deps = {
  repo: TasksRepo;
  writes: TaskWritesRepo;
  cursors: CursorCodec;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
};
/** Who made a change, as the activity log records it (the assistant acts through delegated tasks). */
export type ChangeActor = 'user' | 'assistant';

const DEFAULT_ORDER = { position: 'asc', due: 'asc', created: 'desc', priority: 'desc' } as const;

export function createTasksService({ repo, writes, cursors, clock, onChange }: Deps) {
  const mover = createTaskMover(writes);

  /** Every id the write names must be the caller's; a task may not sit under itself or its own subtasks. */
  async function requireRefs(userId: string, refs: Refs, selfId: string | undefined, tx: Db): Promise<RefsFound> {
    // A write naming no project, parent or contact (a title, a status) has nothing to look up.
    if (!refs.projectId && !refs.parentTaskId && !refs.contactIds?.length)
      return { hasProject: false, parent: null, isCycle: false, contactIds: [] };
    const found = await writes.checkRefs(userId, refs, selfId, tx);
    const unknown: Record<string, unknown> = {};
    if (refs.projectId && !found.hasProject) unknown.projectId = refs.projectId;
    if (refs.parentTaskId && !found.parent) unknown.parentTaskId = refs.parentTaskId;
    const missingContacts = (refs.contactIds ?? []).filter((id) => !found.contactIds.includes(id));
    if (missingContacts.length) unknown.contactIds = missingContacts;
    if (Object.keys(unknown).length) {
      const names = Object.entries(unknown).map(([k, v]) => `${k} ${[v].flat().join(', ')}`);
      throw new AppError('unprocessable', `These do not exist or are not yours: ${names.join('; ')}. Refresh and try again.`, {
        unknownIds: unknown,
      });
    }
    if (refs.parentTaskId && (refs.parentTaskId === selfId || found.isCycle)) {
      throw new AppError('unprocessable', 'A task cannot become a subtask of itself or of one of its own subtasks.', {
        parentTaskId: refs.parentTaskId,
      });
    }
    return found;
  }

  /** Inserts one task with its contacts and activity entries, in the caller's transaction; answers its id. */
  async function insertTask(userId: string, input: TaskInput & { title: string }, by: ChangeActor, now: Date, tx: Db): Promise<string> {
    const found = await requireRefs(userId, input, undefined, tx);
    // Two creates in one list must not both take its end (positions stay distinct).
    await writes.lockList(userId, input.parentTaskId ?? null, tx);
    const { contactIds = [], dueAt, ...fields } = input;
    const row = await writes.insert(
      userId,
      {
        ...fields,
        // A subtask belongs to its parent's project unless the caller says otherwise.
        projectId: input.projectId !== undefined ? input.projectId : (found.parent?.projectId ?? null),
        dueAt: dueAt ? new Date(dueAt) : null,
        completedAt: completedAtFor(input.status ?? 'pending', now),
        createdAt: now,
        updatedAt: now,
      },
      tx,
    );
    if (contactIds.length) await writes.setContacts(userId, row.id, contactIds, tx);
    await writes.insertActivity(userId, row.id, { action: 'created', actor: by, changes: creationChanges(row, contactIds), at: now }, tx);
    if (row.parentTaskId) {
      const subtask = { id: row.id, title: row.title };
      await writes.insertActivity(
        userId,
        row.parentTaskId,
        { action: 'subtask_added', actor: by, changes: { subtask: { from: null, to: subtask } }, at: now },
        tx,
      );
    }
    return row.id;
  }

  async function get(actor: Actor, id: string): Promise<string> {
    const json = await repo.findDetailJson(actor.userId, id);
    if (!json) throw notFound('Task');
    return json;
  }

  return {
    /** Returns the page already serialised as JSON text. */
    async list(actor: Actor, query: ListTasksQuery): Promise<string> {
      const order = query.order ?? DEFAULT_ORDER[query.sort];
      const scope = `tasks:${query.sort}:${order}`;
      const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
      const rows = await repo.findPage(
        actor.userId,
        {
          statuses: query.status,
          priorities: query.priority,
          projectId: query.projectId,
          contactId: query.contactId,
          dueFrom: query.dueFrom ? new Date(query.dueFrom) : undefined,
          dueTo: query.dueTo ? new Date(query.dueTo) : undefined,
          parentTaskId: query.parentTaskId,
          topLevel: query.topLevel,
        },
        { sort: query.sort, order, limit: query.limit, after },
      );
      return cursors.jsonPage(scope, rows, query.limit);
    },

    get,

    async activity(actor: Actor, id: string, query: { limit: number; cursor?: string }): Promise<string> {
      const after = query.cursor ? cursors.decode('task-activity', query.cursor) : undefined;
      const rows = await repo.findActivityPage(actor.userId, id, query.limit, after);
      if (!rows) throw notFound('Task');
      return cursors.jsonPage('task-activity', rows, query.limit);
    },

    analytics: (actor: Actor, query: { projectId?: string }) => repo.analyticsJson(actor.userId, query.projectId, clock()),

    async create(actor: Actor, input: TaskInput & { title: string }, by: ChangeActor = 'user'): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const id = await writes.transaction((tx) => insertTask(userId, input, by, now, tx));
      await onChange(userId);
      return get(actor, id);
    },

    /** Several tasks in one transaction and one onChange (delegation approval); answers their ids in order. */
    async createMany(actor: Actor, inputs: Array<TaskInput & { title: string }>, by: ChangeActor = 'user'): Promise<string[]> {
      const { userId } = actor;
      const now = clock();
      const ids = await writes.transaction(async (tx) => {
        const made: string[] = [];
        for (const input of inputs) made.push(await insertTask(userId, input, by, now, tx));
        return made;
      });
      if (ids.length) await onChange(userId);
      return ids;
    },

    /** `expected`: the version the edit was made from (a 409 with the current task when it moved on). */
    async update(actor: Actor, id: string, input: TaskInput, by: ChangeActor = 'user', expected?: number): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const write = () =>
        writes.transaction(async (tx) => {
          const current = await writes.lockRow(userId, id, tx);
          if (!current) return undefined;
          if (expected !== undefined && current.version !== expected) throw new StaleVersion();
          await requireRefs(userId, input, id, tx);
          const contactIds = input.contactIds ? await writes.findContactIds(userId, id, tx) : undefined;
          const diff = diffTask(current, input, contactIds, now);
          if (!Object.keys(diff.changes).length) return { changed: false, json: await repo.findDetailJson(userId, id, tx) };
          const newList = 'parentTaskId' in diff.values ? { parentTaskId: diff.values.parentTaskId ?? null } : undefined;
          // The end of the new list is taken under that list's lock, as moves and creates take it.
          if (newList) await writes.lockList(userId, newList.parentTaskId, tx);
          await writes.update(userId, id, { ...diff.values, updatedAt: now }, newList, tx);
          if (diff.contactIds) await writes.setContacts(userId, id, diff.contactIds, tx);
          await writes.insertActivity(userId, id, { action: diff.action, actor: by, changes: diff.changes, at: now }, tx);
          // Read in the write's transaction: the answer is the version this write made.
          return { changed: true, json: await repo.findDetailJson(userId, id, tx) };
        });
      const { changed, json } = await versionedWrite('task', expected, write, () => repo.findDetailJson(userId, id));
      if (changed) await onChange(userId);
      return json ?? get(actor, id);
    },

    async move(actor: Actor, id: string, input: MoveInput, by: ChangeActor = 'user'): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const json = await writes.transaction(async (tx) => {
        const position = await mover.place(userId, id, input, tx);
        await writes.update(userId, id, { position: position.to, updatedAt: now }, undefined, tx);
        await writes.insertActivity(userId, id, { action: 'moved', actor: by, changes: { position }, at: now }, tx);
        return repo.findDetailJson(userId, id, tx);
      });
      await onChange(userId);
      return json ?? get(actor, id);
    },

    async remove(actor: Actor, id: string, by: ChangeActor = 'user'): Promise<void> {
      const { userId } = actor;
      const now = clock();
      await writes.transaction(async (tx) => {
        const row = await writes.softDelete(userId, id, now, tx);
        if (!row) throw notFound('Task');
        if (row.parentTaskId) {
          const subtask = { id: row.id, title: row.title };
          await writes.insertActivity(
            userId,
            row.parentTaskId,
            { action: 'subtask_deleted', actor: by, changes: { subtask: { from: subtask, to: null } }, at: now },
            tx,
          );
        }
      });
      await onChange(userId);
    },

    /** Undo of a delete: the task comes back with the subtasks deleted with it. */
    async restore(actor: Actor, id: string, by: ChangeActor = 'user'): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const json = await writes.transaction(async (tx) => {
        const row = await writes.restore(userId, id, tx);
        if (!row) throw notFound('Deleted task');
        await writes.insertActivity(userId, id, { action: 'restored', actor: by, changes: {}, at: now }, tx);
        if (row.parentTaskId) {
          const subtask = { id: row.id, title: row.title };
          await writes.insertActivity(
            userId,
            row.parentTaskId,
            { action: 'subtask_restored', actor: by, changes: { subtask: { from: null, to: subtask } }, at: now },
            tx,
          );
        }
        return repo.findDetailJson(userId, id, tx);
      });
      await onChange(userId);
      return json ?? get(actor, id);
    },
  };
}
