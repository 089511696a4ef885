import { useState, type FormEvent } from 'react';
import { fieldErrors } from '../../api/api-client';
import { useCreateTask, useProjects } from '../../api/tasks.api';
import { TASK_PRIORITIES, type TaskPriority } from '../../../shared/domain';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Field, Modal } from '../../components/ui';
import { dueAtFor, useTimeZone } from '../../lib/due-date';
import { humanize } from '../../lib/format';

export function NewTaskDialog({ open, onClose, projectId }: { open: boolean; onClose: () => void; projectId?: string }) {
  const create = useCreateTask();
  const projects = useProjects();
  const toast = useToast();
  const [title, setTitle] = useState('');
  const [project, setProject] = useState(projectId ?? '');
  const [priority, setPriority] = useState<TaskPriority>('medium');
  const [due, setDue] = useState('');
  const timeZone = useTimeZone();
  const errors = fieldErrors(create.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { title: title.trim(), projectId: project || null, priority, dueAt: due ? dueAtFor(due, timeZone) : null },
      {
        onSuccess: () => {
          toast.success('Task added.');
          setTitle('');
          setDue('');
          onClose();
        },
      },
    );
  };
  return (
    <Modal open={open} onClose={onClose} title="New task">
      <form onSubmit={submit} className="space-y-4">
        <Field label="Title" error={errors.title}>
          {(p) => <input {...p} className="input" value={title} onChange={(e) => setTitle(e.target.value)} required />}
        </Field>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label="Project">
            {(p) => (
              <select {...p} className="input" value={project} onChange={(e) => setProject(e.target.value)}>
                <option value="">No project</option>
                {projects.data
                  ?.filter((pr) => !pr.isArchived)
                  .map((pr) => (
                    <option key={pr.id} value={pr.id}>
                      {pr.name}
                    </option>
                  ))}
              </select>
            )}
          </Field>
          <Field label="Priority">
            {(p) => (
              <select {...p} className="input" value={priority} onChange={(e) => setPriority(e.target.value as TaskPriority)}>
                {TASK_PRIORITIES.map((s) => (
                  <option key={s} value={s}>
                    {humanize(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Due date" error={errors.dueAt}>
            {(p) => <input {...p} className="input" type="date" value={due} onChange={(e) => setDue(e.target.value)} />}
          </Field>
        </div>
        {create.error && !Object.keys(errors).length && <ErrorNotice error={create.error} title="The task was not added" />}
        <div className="flex justify-end gap-2">
          <button type="button" className="btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn-primary" disabled={!title.trim() || create.isPending}>
            <Busy isBusy={create.isPending} busyText="Adding…">
              Add task
            </Busy>
          </button>
        </div>
      </form>
    </Modal>
  );
}
