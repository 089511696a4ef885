import crypto from 'node:crypto';
import type { Rng } from './prng.js';
import type { SeedRow } from './seed.repo.js';
import { DAY_MS, type PracticeContext } from './seed-contacts.js';
import * as W from './practice-words.js';

export function generateUser(rng: Rng, email: string, passwordHash: string, now: number): SeedRow<'users'> {
  const name = `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`;
  return {
    id: crypto.randomUUID(),
    email,
    displayName: `${name} · ${rng.pick(W.PRACTICES)}`,
    passwordHash,
    timezone: rng.pick(W.TIMEZONES),
    settings: rng.chance(0.3) ? { keepInTouchDays: { core_client: rng.pick([7, 10, 21]) } } : {},
    createdAt: new Date(now - 3 * 365 * DAY_MS),
    updatedAt: new Date(now - 3 * 365 * DAY_MS),
  };
}

/** 8–15 tags per user; the first ones are used most. */
export function generateTags(rng: Rng, userId: string, now: number): SeedRow<'tags'>[] {
  return rng.sample(W.TAG_NAMES, rng.int(8, 15)).map((name) => ({
    id: crypto.randomUUID(),
    userId,
    name,
    color: rng.pick(W.TAG_COLORS),
    createdAt: new Date(now - rng.int(30, 900) * DAY_MS),
    updatedAt: new Date(now - rng.int(0, 29) * DAY_MS),
  }));
}

export type WorkRows = {
  projects: SeedRow<'projects'>[];
  tasks: SeedRow<'tasks'>[];
  subtasks: SeedRow<'tasks'>[];
  taskContacts: SeedRow<'taskContacts'>[];
  taskActivities: SeedRow<'taskActivities'>[];
  calendarEvents: SeedRow<'calendarEvents'>[];
};

const STATUSES = [
  ['pending', 5],
  ['in_progress', 3],
  ['waiting_approval', 1],
  ['completed', 5],
  ['cancelled', 1],
] as const;
const PRIORITIES = [
  ['low', 2],
  ['medium', 5],
  ['high', 2],
  ['urgent', 1],
] as const;

/** Projects, tasks with subtasks and the contacts they concern, and the weeks of sessions ahead. */
export function generateWork(ctx: PracticeContext): WorkRows {
  const { rng, userId, now, contacts } = ctx;
  const rows: WorkRows = { projects: [], tasks: [], subtasks: [], taskContacts: [], taskActivities: [], calendarEvents: [] };
  for (const name of rng.sample(W.PROJECT_NAMES, rng.int(3, 6))) {
    const at = new Date(now - rng.int(10, 400) * DAY_MS);
    rows.projects.push({
      id: crypto.randomUUID(),
      userId,
      name,
      color: rng.pick(W.TAG_COLORS),
      isArchived: rng.chance(0.15),
      createdAt: at,
      updatedAt: at,
    });
  }
  const taskCount = Math.max(12, Math.round(contacts.length / 25));
  for (let i = 0; i < taskCount; i++) {
    const parent = taskRow(ctx, rng.chance(0.75) ? rng.pick(rows.projects).id! : null, null, rng.pick(W.TASK_TITLES), i);
    rows.tasks.push(parent);
    if (contacts.length && rng.chance(0.5)) {
      const linked = new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(contacts).id));
      for (const contactId of linked) rows.taskContacts.push({ taskId: parent.id!, contactId, userId });
    }
    if (rng.chance(0.3)) {
      for (const [k, title] of rng.sample(W.SUBTASK_TITLES, rng.int(1, 4)).entries()) {
        rows.subtasks.push(taskRow(ctx, parent.projectId ?? null, parent.id!, title, k));
      }
    }
  }
  for (const task of [...rows.tasks, ...rows.subtasks]) {
    rows.taskActivities.push({
      userId,
      taskId: task.id!,
      actor: task.owner ?? 'user',
      action: 'created',
      changes: {},
      createdAt: task.createdAt!,
    });
    if (task.status === 'completed') {
      rows.taskActivities.push({
        userId,
        taskId: task.id!,
        actor: task.owner ?? 'user',
        action: 'status_changed',
        changes: { status: { from: 'in_progress', to: 'completed' } },
        createdAt: task.completedAt!,
      });
    }
  }
  const upcoming = contacts.length ? Math.max(5, Math.round(contacts.length / 20)) : 0;
  for (let i = 0; i < upcoming; i++) {
    const startsAt = now + rng.int(1, 28 * 24) * 3_600_000;
    const contact = rng.pick(contacts);
    rows.calendarEvents.push({
      userId,
      source: 'google',
      externalId: ctx.nextSourceId('evt'),
      contactId: contact.id,
      title: `${rng.pick(W.INTERACTION_SUBJECTS.meeting!)} — ${contact.name}`,
      location: rng.pick(W.EVENT_LOCATIONS),
      startsAt: new Date(startsAt),
      endsAt: new Date(startsAt + 60 * 60_000),
      attendees: [{ email: contact.email, name: contact.name, responseStatus: rng.pick(['accepted', 'needsAction', 'tentative']) }],
      isProcessed: false,
      createdAt: new Date(now - rng.int(1, 20) * DAY_MS),
      updatedAt: new Date(now),
    });
  }
  return rows;
}

function taskRow(
  ctx: PracticeContext,
  projectId: string | null,
  parentTaskId: string | null,
  title: string,
  position: number,
): SeedRow<'tasks'> {
  const { rng, userId, now } = ctx;
  const status = rng.weighted(STATUSES);
  const createdAt = now - rng.int(1, 365) * DAY_MS;
  const completedAt = status === 'completed' ? Math.min(now, createdAt + rng.int(1, 30) * DAY_MS) : null;
  const estimated = rng.chance(0.6) ? rng.pick([15, 30, 60, 120, 240]) : null;
  return {
    id: crypto.randomUUID(),
    userId,
    projectId,
    parentTaskId,
    title,
    description: rng.chance(0.4) ? 'Keep it short and warm 🌿.' : '',
    status,
    priority: rng.weighted(PRIORITIES),
    owner: rng.chance(0.15) ? 'assistant' : 'user',
    dueAt: rng.chance(0.7) ? new Date(createdAt + rng.int(1, 60) * DAY_MS) : null,
    estimatedMinutes: estimated,
    actualMinutes: completedAt !== null && estimated !== null ? Math.round(estimated * (0.5 + rng.next())) : null,
    position: position + 1 + rng.next() / 2,
    completedAt: completedAt === null ? null : new Date(completedAt),
    createdAt: new Date(createdAt),
    updatedAt: new Date(completedAt ?? createdAt),
  };
}
