import { useState } from 'react';
import { OPEN_TASK_STATUSES } from '../../../shared/domain';
import { useLocation, useSearch } from 'wouter';
import { useTasks, type TaskFilters } from '../../api/tasks.api';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../../shared/domain';
import { TASK_STATUS_LABELS } from '../../lib/labels';
import { Icon } from '../../components/icons';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import { daysFromToday, useTimeZone } from '../../lib/due-date';
import { humanize } from '../../lib/format';
import { NewTaskDialog } from './new-task';
import { ProjectsPanel } from './projects-panel';
import { TaskBoard } from './task-board';
import { TaskDetailDialog } from './task-detail';
import { TaskList } from './task-list';

type Due = 'any' | 'overdue' | 'today' | 'week';
const OPEN: TaskStatus[] = [...OPEN_TASK_STATUSES];

/** Days in the practitioner's zone (see lib/due-date): "today" is their today, not the browser's. */
function dueRange(due: Due, timeZone: string): Pick<TaskFilters, 'dueFrom' | 'dueTo'> {
  const now = new Date();
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  if (due === 'overdue') return { dueTo: minute.toISOString() };
  if (due === 'today') return daysFromToday(1, timeZone, now);
  if (due === 'week') return { dueTo: daysFromToday(7, timeZone, now).dueTo };
  return {};
}

export default function TasksPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const [view, setView] = useState<'list' | 'board'>('list');
  const [projectId, setProjectId] = useState<string | undefined>();
  const [status, setStatus] = useState<'open' | TaskStatus | 'all'>('open');
  const [priority, setPriority] = useState<TaskPriority | ''>('');
  // Links from the Today view open the list behind their figure: /tasks?due=overdue or ?due=today.
  const [due, setDue] = useState<Due>(() => {
    const linked = new URLSearchParams(search).get('due');
    return linked === 'overdue' || linked === 'today' || linked === 'week' ? linked : 'any';
  });
  const [openTask, setOpenTask] = useState<string | null>(null);
  const timeZone = useTimeZone();
  const isCreating = new URLSearchParams(search).get('new') === '1';

  // The board shows every status as columns; the list filters by status.
  const statusFilter = view === 'board' ? undefined : status === 'open' ? OPEN : status === 'all' ? undefined : [status];
  const filters: TaskFilters = {
    topLevel: true,
    projectId,
    priority: priority ? [priority] : undefined,
    status: due === 'overdue' ? OPEN : statusFilter,
    ...dueRange(due, timeZone),
    sort: due === 'any' ? 'position' : 'due',
  };
  const tasks = useTasks(filters);
  const items = tasks.data?.items ?? [];

  return (
    <div className="mx-auto max-w-6xl">
      <PageHeader title="Tasks" subtitle="Everything you want to remember to do, by project.">
        <div role="group" aria-label="View" className="flex rounded-lg border border-line">
          {(['list', 'board'] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-pressed={view === v}
              className={`btn px-3 ${view === v ? 'bg-brand-soft text-ink' : 'text-muted'}`}
              onClick={() => setView(v)}
            >
              <Icon name={v === 'list' ? 'list' : 'columns'} /> {v === 'list' ? 'List' : 'Board'}
            </button>
          ))}
        </div>
        <button type="button" className="btn-primary" onClick={() => navigate('/tasks?new=1')}>
          <Icon name="plus" /> New task
        </button>
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-[15rem_1fr]">
        <ProjectsPanel selected={projectId} onSelect={setProjectId} />
        <div className="min-w-0 space-y-3">
          <div className="flex flex-wrap gap-2" role="group" aria-label="Task filters">
            {view === 'list' && (
              <select
                className="input w-auto"
                aria-label="Status"
                value={status}
                onChange={(e) => setStatus(e.target.value as typeof status)}
              >
                <option value="open">Open</option>
                <option value="all">All statuses</option>
                {TASK_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {TASK_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            )}
            <select
              className="input w-auto"
              aria-label="Priority"
              value={priority}
              onChange={(e) => setPriority(e.target.value as TaskPriority | '')}
            >
              <option value="">Any priority</option>
              {TASK_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {humanize(p)}
                </option>
              ))}
            </select>
            <select className="input w-auto" aria-label="Due" value={due} onChange={(e) => setDue(e.target.value as Due)}>
              <option value="any">Any due date</option>
              <option value="overdue">Overdue</option>
              <option value="today">Due today</option>
              <option value="week">Due within a week</option>
            </select>
          </div>
          <ErrorNotice error={tasks.error} title="Tasks could not be loaded" onRetry={() => void tasks.refetch()} />
          {tasks.isPending ? (
            <div className="flex justify-center py-10 text-muted">
              <Spinner label="Loading tasks" size={24} />
            </div>
          ) : items.length === 0 && !tasks.error ? (
            <EmptyState
              title="No tasks here"
              action={
                <button type="button" className="btn-primary" onClick={() => navigate('/tasks?new=1')}>
                  Add a task
                </button>
              }
            >
              Nothing matches these filters. Add a task, or choose another project or filter.
            </EmptyState>
          ) : view === 'list' ? (
            <TaskList tasks={items} onOpen={setOpenTask} canReorder={due === 'any'} />
          ) : (
            <TaskBoard tasks={items} onOpen={setOpenTask} />
          )}
          {tasks.data?.nextCursor && (
            <p className="text-sm text-muted">Showing the first {items.length} tasks; narrow the filters to see the rest.</p>
          )}
        </div>
      </div>
      <NewTaskDialog
        key={projectId ?? 'none'}
        open={isCreating}
        onClose={() => navigate('/tasks', { replace: true })}
        projectId={projectId}
      />
      <TaskDetailDialog taskId={openTask} onClose={() => setOpenTask(null)} />
    </div>
  );
}
