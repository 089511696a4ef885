import type { ActivityChanges, TaskRow, TaskWrite } from './task-writes.repo.js';
import type { TaskInput } from '../../../shared/api/tasks.js';

const PLAIN_FIELDS = [
  'title',
  'description',
  'status',
  'priority',
  'owner',
  'estimatedMinutes',
  'actualMinutes',
  'projectId',
  'parentTaskId',
] as const;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

export type TaskDiff = { values: TaskWrite; changes: ActivityChanges; contactIds?: string[]; action: string };

/** What an update actually changes: the column values to write and the activity entry's changes. */
/** Completion time follows the status: set on entering completed, cleared on leaving it (create and update alike). */
export const completedAtFor = (status: string, now: Date): Date | null => (status === 'completed' ? now : null);

export function diffTask(current: TaskRow, input: TaskInput, currentContactIds: string[] | undefined, now: Date): TaskDiff {
  const values: TaskWrite = {};
  const changes: ActivityChanges = {};
  for (const field of PLAIN_FIELDS) {
    const next = input[field];
    if (next === undefined || next === current[field]) continue;
    (values as Record<string, unknown>)[field] = next;
    changes[field] = { from: current[field], to: next };
  }
  if (input.dueAt !== undefined) {
    const next = input.dueAt === null ? null : new Date(input.dueAt);
    if (iso(next) !== iso(current.dueAt)) {
      values.dueAt = next;
      changes.dueAt = { from: iso(current.dueAt), to: iso(next) };
    }
  }
  let action = 'updated';
  if (values.status && (values.status === 'completed' || current.status === 'completed')) {
    values.completedAt = completedAtFor(values.status, now);
    changes.completedAt = { from: iso(current.completedAt), to: iso(values.completedAt) };
    action = values.status === 'completed' ? 'completed' : 'reopened';
  }
  let contactIds: string[] | undefined;
  if (input.contactIds && currentContactIds && !sameSet(input.contactIds, currentContactIds)) {
    contactIds = input.contactIds;
    changes.contactIds = { from: [...currentContactIds].sort(), to: [...input.contactIds].sort() };
  }
  return { values, changes, contactIds, action };
}

/** The activity entry of a new task: its initial values, from nothing (empty fields left out). */
export function creationChanges(row: TaskRow, contactIds: string[]): ActivityChanges {
  const changes: ActivityChanges = {};
  for (const field of PLAIN_FIELDS) {
    if (row[field] !== null && row[field] !== '') changes[field] = { from: null, to: row[field] };
  }
  if (row.dueAt) changes.dueAt = { from: null, to: iso(row.dueAt) };
  if (row.completedAt) changes.completedAt = { from: null, to: iso(row.completedAt) };
  if (contactIds.length) changes.contactIds = { from: [], to: [...contactIds].sort() };
  return changes;
}
