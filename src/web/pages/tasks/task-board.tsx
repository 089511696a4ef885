import { useState } from 'react';
import { useMoveTask } from '../../api/tasks.api';
import type { TaskStatus } from '../../../shared/domain';
import type { Task } from '../../../shared/api/tasks';
import { TASK_STATUS_LABELS } from '../../lib/labels';
import { useToast } from '../../app/toasts';
import { TaskRow } from '../../components/task-row';
import { dropPlace } from './task-list';

const COLUMNS: TaskStatus[] = ['pending', 'in_progress', 'waiting_approval', 'completed'];

/** The board: one column per status; drop a card on another card (or an empty column) to move it. */
export function TaskBoard({ tasks, onOpen }: { tasks: Task[]; onOpen: (id: string) => void }) {
  const move = useMoveTask();
  const toast = useToast();
  const [dragId, setDragId] = useState<string | null>(null);
  const dropOn = (id: string, status: TaskStatus, target?: { id: string; place: 'before' | 'after' }) => {
    const task = tasks.find((t) => t.id === id);
    if (!task || target?.id === id) return;
    const statusChange = task.status !== status ? status : undefined;
    const column = tasks.filter((t) => t.status === status && t.id !== id);
    const anchor = target ?? (column.length ? { id: column[column.length - 1]!.id, place: 'after' as const } : undefined);
    if (!anchor) {
      if (statusChange) move.mutate({ id, status: statusChange, beforeId: null }, { onError: (e) => toast.error(e) });
      return;
    }
    move.mutate(
      { id, status: statusChange, ...(anchor.place === 'before' ? { beforeId: anchor.id } : { afterId: anchor.id }) },
      { onError: (e) => toast.error(e) },
    );
  };
  return (
    <div className="grid auto-cols-[minmax(15rem,1fr)] grid-flow-col gap-3 overflow-x-auto pb-2">
      {COLUMNS.map((status) => {
        const column = tasks.filter((t) => t.status === status);
        return (
          <section
            key={status}
            aria-label={TASK_STATUS_LABELS[status]}
            className="flex min-h-40 flex-col rounded-xl border border-line bg-raised/60 p-2"
            onDragOver={(e) => dragId && e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const id = e.dataTransfer.getData('text/plain') || dragId;
              if (id) dropOn(id, status);
              setDragId(null);
            }}
          >
            <h2 className="flex items-center justify-between px-2 py-1 text-sm font-semibold">
              {TASK_STATUS_LABELS[status]} <span className="text-xs font-normal text-muted">{column.length}</span>
            </h2>
            <ul className="flex flex-1 flex-col gap-2">
              {column.map((t) => (
                <li
                  key={t.id}
                  draggable
                  data-task-id={t.id}
                  onDragStart={(e) => {
                    setDragId(t.id);
                    e.dataTransfer.setData('text/plain', t.id);
                  }}
                  onDragEnd={() => setDragId(null)}
                  onDragOver={(e) => dragId && dragId !== t.id && e.preventDefault()}
                  onDrop={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    const id = e.dataTransfer.getData('text/plain') || dragId;
                    if (id) dropOn(id, status, { id: t.id, place: dropPlace(e) });
                    setDragId(null);
                  }}
                  className={`card cursor-grab p-3 ${dragId === t.id ? 'opacity-50' : ''}`}
                >
                  <TaskRow task={t} onOpen={onOpen} wrap />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
