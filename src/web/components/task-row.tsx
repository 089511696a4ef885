import { useUpdateTask } from '../api/tasks.api';
import type { Task } from '../../shared/api/tasks';
import { TASK_STATUS_LABELS } from '../lib/labels';
import { useToast } from '../app/toasts';
import { formatDue, useTimeZone } from '../lib/due-date';

const PRIORITY_TONE: Record<string, string> = {
  urgent: 'text-danger',
  high: 'text-warn',
  medium: 'text-muted',
  low: 'text-muted',
};

export function isOverdue(task: Task): boolean {
  return !!task.dueAt && task.status !== 'completed' && task.status !== 'cancelled' && new Date(task.dueAt).getTime() < Date.now();
}

/** One task with a checkbox that completes it at once (optimistic) and reopens it on a second click. */
export function TaskRow({
  task,
  onOpen,
  showProject = true,
  wrap = false,
}: {
  task: Task;
  onOpen?: (id: string) => void;
  showProject?: boolean;
  wrap?: boolean;
}) {
  const update = useUpdateTask();
  const toast = useToast();
  const timeZone = useTimeZone();
  const isDone = task.status === 'completed';
  return (
    <div className="flex min-w-0 items-center gap-3">
      <input
        type="checkbox"
        className="size-4 shrink-0 accent-teal-700"
        aria-label={isDone ? `Reopen ${task.title}` : `Complete ${task.title}`}
        checked={isDone}
        onChange={() =>
          update.mutate(
            { id: task.id, status: isDone ? 'pending' : 'completed' },
            {
              // Completing is undoable: the task goes back to the status it had.
              onSuccess: () =>
                !isDone &&
                toast.undoable(
                  `Completed “${task.title}”.`,
                  () => update.mutateAsync({ id: task.id, status: task.status }),
                  'Task reopened.',
                ),
              onError: (e) => toast.error(e),
            },
          )
        }
      />
      <div className="min-w-0 flex-1">
        {onOpen ? (
          <button
            type="button"
            className={`block max-w-full rounded text-left text-sm font-medium hover:underline ${wrap ? 'line-clamp-2 break-words' : 'truncate'} ${isDone ? 'text-muted line-through' : ''}`}
            onClick={() => onOpen(task.id)}
          >
            {task.title}
          </button>
        ) : (
          <span className={`block truncate text-sm font-medium ${isDone ? 'text-muted line-through' : ''}`}>{task.title}</span>
        )}
        <p className="flex flex-wrap gap-x-2 text-xs text-muted">
          <span>{TASK_STATUS_LABELS[task.status]}</span>
          <span className={PRIORITY_TONE[task.priority]}>{task.priority} priority</span>
          {task.dueAt && (
            <span className={isOverdue(task) ? 'font-semibold text-danger' : ''}>
              {isOverdue(task) ? 'Overdue since' : 'Due'} {formatDue(task.dueAt, timeZone)}
            </span>
          )}
          {showProject && task.project && (
            <span className="inline-flex items-center gap-1">
              <span aria-hidden="true" className="inline-block size-2 rounded-full" style={{ background: task.project.color }} />
              {task.project.name}
            </span>
          )}
          {task.subtaskCounts && task.subtaskCounts.total > 0 && (
            <span>
              {task.subtaskCounts.completed}/{task.subtaskCounts.total} subtasks
            </span>
          )}
        </p>
      </div>
    </div>
  );
}
