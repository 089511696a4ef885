import { useState, type FormEvent } from 'react';
import { FEATURES } from '../../lib/features';
import { useCreateTask, useDeleteTask, useProjects, useTask, useTaskActivity, useUpdateTask } from '../../api/tasks.api';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../../shared/domain';
import type { TaskDetail } from '../../../shared/api/tasks';
import { TASK_STATUS_LABELS } from '../../lib/labels';
import { useRestore } from '../../api/practice.api';
import { useToast } from '../../app/toasts';
import { TaskRow } from '../../components/task-row';
import { Busy, ErrorNotice, Field, Modal, Spinner } from '../../components/ui';
import { dayIn, dueAtFor, useTimeZone } from '../../lib/due-date';
import { useDraft } from '../../lib/use-draft';
import { formatDateTime, humanize } from '../../lib/format';
import { TaskContacts } from './task-contacts';
import { describeChange, type ActivityNames } from './activity-text';
import { DelegateTask } from './delegation-review';

function Activity({ task }: { task: TaskDetail }) {
  const activity = useTaskActivity(task.id);
  const projects = useProjects();
  const names: ActivityNames = {
    projects: new Map((projects.data ?? []).map((p) => [p.id, p.name])),
    people: new Map((task.contacts ?? []).map((c) => [c.id, c.name])),
    tasks: new Map((task.subtasks ?? []).map((t) => [t.id, t.title])),
  };
  return (
    <section aria-labelledby="activity-title">
      <h3 id="activity-title" className="mb-2 font-semibold">
        Activity
      </h3>
      {activity.isPending && <Spinner label="Loading activity" />}
      <ErrorNotice error={activity.error} title="Activity could not be loaded" />
      <ol className="space-y-2 text-sm" aria-label="Activity log">
        {activity.data?.items.map((a) => (
          <li key={a.id} className="rounded-lg bg-raised px-3 py-2">
            <p>
              <span className="font-medium">{a.actor === 'assistant' ? 'Assistant' : 'You'}</span> {humanize(a.action).toLowerCase()}
              <time className="ml-2 text-xs text-muted" dateTime={a.createdAt}>
                {formatDateTime(a.createdAt)}
              </time>
            </p>
            {Object.entries(a.changes).map(([field, c]) => {
              const text = describeChange(field, c, names);
              return (
                text && (
                  <p key={field} className="break-words text-xs text-muted">
                    {text}
                  </p>
                )
              );
            })}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Subtasks({ task }: { task: TaskDetail }) {
  const create = useCreateTask();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { title: title.trim(), parentTaskId: task.id, projectId: task.projectId },
      { onSuccess: () => setTitle(''), onError: (err) => toast.error(err) },
    );
  };
  return (
    <section aria-labelledby="subtasks-title" className="space-y-2">
      <h3 id="subtasks-title" className="font-semibold">
        Subtasks
      </h3>
      <ul className="divide-y divide-line rounded-lg border border-line" aria-label="Subtasks">
        {task.subtasks?.map((s) => (
          <li key={s.id} className="px-3 py-2">
            <TaskRow task={s} showProject={false} />
          </li>
        ))}
        {!task.subtasks?.length && <li className="px-3 py-2 text-sm text-muted">No subtasks.</li>}
      </ul>
      <form onSubmit={submit} className="flex gap-2">
        <input
          className="input"
          aria-label="New subtask"
          placeholder="Add a subtask"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" className="btn-secondary" disabled={!title.trim() || create.isPending}>
          {create.isPending ? 'Adding…' : 'Add'}
        </button>
      </form>
    </section>
  );
}

function Editor({ task, onClose }: { task: TaskDetail; onClose: () => void }) {
  const update = useUpdateTask();
  const remove = useDeleteTask();
  const restore = useRestore();
  const projects = useProjects();
  const toast = useToast();
  const [title, setTitle] = useState(task.title);
  const descriptionDraft = useDraft(`task:${task.id}:description`, task.description ?? '');
  const [description, setDescription] = [descriptionDraft.value, descriptionDraft.set];
  const timeZone = useTimeZone();
  const savedDue = task.dueAt ? dayIn(task.dueAt, timeZone) : '';
  const [due, setDue] = useState(savedDue);
  const save = (input: Parameters<typeof update.mutate>[0], done?: string) =>
    update.mutate(input, { onSuccess: () => done && toast.success(done), onError: (e) => toast.error(e) });
  return (
    <div className="space-y-5">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          // The due date is sent only when the day changed, so saving never moves it.
          const dueAt = due === savedDue ? {} : { dueAt: due ? dueAtFor(due, timeZone) : null };
          update.mutate(
            { id: task.id, title, description, ...dueAt, version: task.version },
            {
              onSuccess: () => {
                descriptionDraft.clear(description);
                toast.success('Task saved.');
              },
              onError: (err) => toast.error(err),
            },
          );
        }}
      >
        <Field label="Title">
          {(p) => <input {...p} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required />}
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Status">
            {(p) => (
              <select
                {...p}
                className="input"
                value={task.status}
                onChange={(e) => save({ id: task.id, status: e.target.value as TaskStatus })}
              >
                {TASK_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {TASK_STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Priority">
            {(p) => (
              <select
                {...p}
                className="input"
                value={task.priority}
                onChange={(e) => save({ id: task.id, priority: e.target.value as TaskPriority })}
              >
                {TASK_PRIORITIES.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Project">
            {(p) => (
              <select
                {...p}
                className="input"
                value={task.projectId ?? ''}
                onChange={(e) => save({ id: task.id, projectId: e.target.value || null })}
              >
                <option value="">No project</option>
                {projects.data?.map((pr) => (
                  <option key={pr.id} value={pr.id}>
                    {pr.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Due date">
            {(p) => <input {...p} className="input" type="date" value={due} onChange={(e) => setDue(e.target.value)} />}
          </Field>
        </div>
        <Field label="Description">
          {(p) => <textarea {...p} className="input" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="flex flex-wrap gap-2">
          <button type="submit" className="btn-primary" disabled={update.isPending}>
            <Busy isBusy={update.isPending} busyText="Saving…">
              Save task
            </Busy>
          </button>
          <button
            type="button"
            className="btn-ghost ml-auto text-danger"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(task.id, {
                onSuccess: () => {
                  const subtasks = task.subtasks?.length ? ` and its ${task.subtasks.length} subtask(s)` : '';
                  toast.undoable(`Deleted task “${task.title}”${subtasks}.`, () => restore('tasks', task.id), 'Task restored.');
                  onClose();
                },
                onError: (e) => toast.error(e),
              })
            }
          >
            {remove.isPending ? 'Deleting…' : 'Delete task'}
          </button>
        </div>
      </form>
      <TaskContacts task={task} />
      <Subtasks task={task} />
      {FEATURES.ai && !task.parentTaskId && <DelegateTask task={task} />}
      <Activity task={task} />
    </div>
  );
}

export function TaskDetailDialog({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const task = useTask(taskId ?? undefined);
  return (
    <Modal open={!!taskId} onClose={onClose} title={task.data?.title ?? 'Task'} wide>
      {task.isPending && <Spinner label="Loading task" />}
      <ErrorNotice error={task.error} title="The task could not be loaded" />
      {task.data && <Editor key={task.data.id} task={task.data} onClose={onClose} />}
    </Modal>
  );
}
