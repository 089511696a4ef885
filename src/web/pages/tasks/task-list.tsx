import { useState, type DragEvent } from 'react';
import { useMoveTask } from '../../api/tasks.api';
import type { Task } from '../../../shared/api/tasks';
import { useToast } from '../../app/toasts';
import { Icon } from '../../components/icons';
import { TaskRow } from '../../components/task-row';

type Drop = { id: string; place: 'before' | 'after' } | null;

export function dropPlace(e: DragEvent<HTMLElement>): 'before' | 'after' {
  const box = e.currentTarget.getBoundingClientRect();
  return e.clientY < box.top + box.height / 2 ? 'before' : 'after';
}

/** The list view: drag a row by its handle (or use the arrow buttons) to reorder; the server keeps the order. */
export function TaskList({ tasks, onOpen, canReorder }: { tasks: Task[]; onOpen: (id: string) => void; canReorder: boolean }) {
  const move = useMoveTask();
  const toast = useToast();
  const [dragId, setDragId] = useState<string | null>(null);
  const [drop, setDrop] = useState<Drop>(null);
  const moveTo = (id: string, target: Drop) => {
    if (!target || target.id === id) return;
    move.mutate(target.place === 'before' ? { id, beforeId: target.id } : { id, afterId: target.id }, { onError: (e) => toast.error(e) });
  };
  return (
    <ul aria-label="Tasks" className="card divide-y divide-line">
      {tasks.map((t, i) => (
        <li
          key={t.id}
          data-task-id={t.id}
          draggable={canReorder}
          onDragStart={(e) => {
            setDragId(t.id);
            e.dataTransfer.setData('text/plain', t.id);
            e.dataTransfer.effectAllowed = 'move';
          }}
          onDragEnd={() => {
            setDragId(null);
            setDrop(null);
          }}
          onDragOver={(e) => {
            if (!dragId || dragId === t.id) return;
            e.preventDefault();
            setDrop({ id: t.id, place: dropPlace(e) });
          }}
          onDrop={(e) => {
            e.preventDefault();
            const id = e.dataTransfer.getData('text/plain') || dragId;
            if (id) moveTo(id, { id: t.id, place: dropPlace(e) });
            setDrop(null);
          }}
          className={`flex items-center gap-2 px-3 py-2.5 ${dragId === t.id ? 'opacity-50' : ''} ${drop?.id === t.id ? (drop.place === 'before' ? 'shadow-[inset_0_2px_0_var(--c-brand-strong)]' : 'shadow-[inset_0_-2px_0_var(--c-brand-strong)]') : ''}`}
        >
          {canReorder && (
            <span className="cursor-grab text-muted" aria-hidden="true" title="Drag to reorder">
              <Icon name="drag" size={16} />
            </span>
          )}
          <div className="min-w-0 flex-1">
            <TaskRow task={t} onOpen={onOpen} />
          </div>
          {canReorder && (
            <span className="flex shrink-0">
              <button
                type="button"
                className="btn-ghost p-1"
                aria-label={`Move ${t.title} up`}
                disabled={i === 0}
                onClick={() => moveTo(t.id, { id: tasks[i - 1]!.id, place: 'before' })}
              >
                <Icon name="arrowUp" size={14} />
              </button>
              <button
                type="button"
                className="btn-ghost p-1"
                aria-label={`Move ${t.title} down`}
                disabled={i === tasks.length - 1}
                onClick={() => moveTo(t.id, { id: tasks[i + 1]!.id, place: 'after' })}
              >
                <Icon name="arrowDown" size={14} />
              </button>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
