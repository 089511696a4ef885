import { RecordItem } from '../../components/record-item';
import { useState, type FormEvent } from 'react';
import { useCreateTask, useTasks } from '../../api/tasks.api';
import { useToast } from '../../app/toasts';
import { TaskRow } from '../../components/task-row';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';

export function ContactTasks({ contactId }: { contactId: string }) {
  const tasks = useTasks({ contactId, sort: 'due', order: 'asc' });
  const create = useCreateTask();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { title: title.trim(), contactIds: [contactId], dueAt: due ? new Date(`${due}T17:00:00`).toISOString() : null },
      {
        onSuccess: () => {
          setTitle('');
          setDue('');
          toast.success('Task added.');
        },
      },
    );
  };
  return (
    <div className="space-y-4">
      <form onSubmit={submit} className="card flex flex-wrap items-end gap-2 p-4" aria-label="Add a task for this contact">
        <label className="min-w-48 flex-1 text-sm">
          <span className="label">New task</span>
          <input
            className="input"
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            placeholder="e.g. Send the breathing exercise"
          />
        </label>
        <label className="text-sm">
          <span className="label">Due</span>
          <input className="input" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
        </label>
        <button type="submit" className="btn-primary" disabled={!title.trim() || create.isPending}>
          <Busy isBusy={create.isPending} busyText="Adding…">
            Add task
          </Busy>
        </button>
      </form>
      <ErrorNotice error={create.error} title="The task was not added" />
      {tasks.isPending && <Spinner label="Loading tasks" />}
      <ErrorNotice error={tasks.error} title="Tasks could not be loaded" onRetry={() => void tasks.refetch()} />
      {tasks.data?.items.length === 0 && <p className="text-sm text-muted">No tasks for this contact.</p>}
      <ul aria-label="Tasks for this contact" className="card divide-y divide-line">
        {tasks.data?.items.map((t) => (
          <RecordItem key={t.id} id={t.id} className="px-4 py-3">
            <TaskRow task={t} />
          </RecordItem>
        ))}
      </ul>
    </div>
  );
}
