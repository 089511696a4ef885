import type { TaskStatus } from '../../../shared/domain';
import { TASK_STATUS_LABELS } from '../../lib/labels';
import { formatDate, formatDateTime, humanize } from '../../lib/format';

/** Names the task log can use for ids: projects, people and tasks the page already knows. */
export type ActivityNames = { projects: Map<string, string>; people: Map<string, string>; tasks: Map<string, string> };

const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  status: 'Status',
  priority: 'Priority',
  owner: 'Owner',
  dueAt: 'Due',
  completedAt: 'Completed',
  projectId: 'Project',
  parentTaskId: 'Parent task',
  contactIds: 'People',
  estimatedMinutes: 'Estimate (minutes)',
  actualMinutes: 'Time spent (minutes)',
  position: 'Order',
};

const EMPTY = '—';

function value(field: string, v: unknown, names: ActivityNames): string {
  if (v === null || v === undefined || v === '') return EMPTY;
  if (field === 'status' && typeof v === 'string') return TASK_STATUS_LABELS[v as TaskStatus] ?? humanize(v);
  if (field === 'dueAt' && typeof v === 'string')
    return /T00:00:00(\.000)?Z$/.test(v) || v.length === 10 ? formatDate(v) : formatDateTime(v);
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)) return formatDateTime(v);
  if (field === 'projectId' && typeof v === 'string') return names.projects.get(v) ?? 'a project since deleted';
  if (field === 'parentTaskId' && typeof v === 'string') return names.tasks.get(v) ?? 'another task';
  if (field === 'contactIds' && Array.isArray(v)) {
    if (!v.length) return 'nobody';
    const known = v.map((id) => names.people.get(String(id))).filter(Boolean);
    const others = v.length - known.length;
    return [...known, ...(others ? [`${others} ${others === 1 ? 'other person' : 'other people'}`] : [])].join(', ');
  }
  if (typeof v === 'string') return field === 'priority' || field === 'owner' ? humanize(v) : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return EMPTY;
}

/** One line per change: "Due: 3 Dec 2026 → 4 Dec 2026", "People: Ana Lima → Ana Lima, Ben Ode". */
export function describeChange(field: string, change: { from: unknown; to: unknown }, names: ActivityNames): string | null {
  // The position is an internal sort key; a move is already named by the entry's action.
  if (field === 'position') return null;
  const label =
    FIELD_LABELS[field] ??
    humanize(
      field
        .replace(/Id$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase(),
    );
  return `${label}: ${value(field, change.from, names)} → ${value(field, change.to, names)}`;
}
