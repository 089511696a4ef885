import { RecordItem } from '../../components/record-item';
import { useState, type FormEvent } from 'react';
import { fieldErrors } from '../../api/api-client';
import { useDeleteGoal, useGoals, useRestore, useSaveGoal } from '../../api/practice.api';
import { GOAL_STATUSES } from '../../../shared/domain';
import type { Goal } from '../../../shared/api/goals';
import { useToast } from '../../app/toasts';
import { useDraft } from '../../lib/use-draft';
import { Icon } from '../../components/icons';
import { Busy, ErrorNotice, Field, ProgressBar, Spinner } from '../../components/ui';
import { formatDate, humanize } from '../../lib/format';

function GoalCard({ goal, contactId }: { goal: Goal; contactId: string }) {
  const save = useSaveGoal(contactId);
  const remove = useDeleteGoal(contactId);
  const restore = useRestore();
  const toast = useToast();
  const [current, setCurrent] = useState(String(goal.currentValue));
  const pct = goal.progress === null ? null : Math.round(goal.progress * 100);
  const saveCurrent = () => {
    const value = Number(current);
    if (current.trim() === '' || Number.isNaN(value) || value === goal.currentValue) return;
    save.mutate(
      { id: goal.id, currentValue: value, version: goal.version },
      {
        onError: (e) => {
          setCurrent(String(goal.currentValue));
          toast.error(e);
        },
      },
    );
  };
  return (
    <RecordItem id={goal.id} className="card space-y-3 p-4">
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1">
          <h3 className="break-words font-semibold">{goal.title}</h3>
          {goal.description && <p className="whitespace-pre-wrap break-words text-sm text-muted">{goal.description}</p>}
        </div>
        <select
          className="input w-auto py-1"
          aria-label={`Status of ${goal.title}`}
          value={goal.status}
          onChange={(e) => save.mutate({ id: goal.id, status: e.target.value as Goal['status'] }, { onError: (err) => toast.error(err) })}
        >
          {GOAL_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn-ghost p-1.5"
          aria-label={`Delete goal ${goal.title}`}
          onClick={() =>
            remove.mutate(goal.id, {
              onSuccess: () => toast.undoable(`Deleted goal “${goal.title}”.`, () => restore('goals', goal.id), 'Goal restored.'),
              onError: (e) => toast.error(e),
            })
          }
        >
          <Icon name="trash" size={16} />
        </button>
      </div>
      <ProgressBar value={goal.progress} label={`Progress of ${goal.title}`} />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <label className="flex items-center gap-2">
          Current
          <input
            className="input w-24 py-1"
            type="number"
            min={0}
            step="any"
            aria-label={`Current value of ${goal.title}`}
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            onBlur={saveCurrent}
            onKeyDown={(e) => e.key === 'Enter' && saveCurrent()}
          />
        </label>
        {goal.targetValue !== null && (
          <span className="text-muted">
            of {goal.targetValue} {goal.unit}
          </span>
        )}
        {pct !== null && <span className="font-medium">{pct}%</span>}
        {goal.deadline && <span className="ml-auto text-muted">Due {formatDate(goal.deadline)}</span>}
      </div>
    </RecordItem>
  );
}

const EMPTY_GOAL = { title: '', target: '', unit: '', deadline: '' };

function AddGoal({ contactId }: { contactId: string }) {
  const save = useSaveGoal(contactId);
  const toast = useToast();
  // The whole form is one draft (lib/use-draft), kept per contact until the goal is added.
  const draft = useDraft(`goal:new:${contactId}`, EMPTY_GOAL);
  const { title, target, unit, deadline } = draft.value;
  const field = (key: keyof typeof EMPTY_GOAL) => (value: string) => draft.set((v) => ({ ...v, [key]: value }));
  const [setTitle, setTarget, setUnit, setDeadline] = [field('title'), field('target'), field('unit'), field('deadline')];
  const errors = fieldErrors(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(
      { title, targetValue: target ? Number(target) : null, unit, deadline: deadline || null },
      {
        onSuccess: () => {
          toast.success('Goal added.');
          draft.clear();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="card grid gap-3 p-4 sm:grid-cols-2" aria-labelledby="add-goal-title">
      <h2 id="add-goal-title" className="font-semibold sm:col-span-2">
        Add a goal
      </h2>
      <div className="sm:col-span-2">
        <Field label="Goal" error={errors.title}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={title}
              onChange={(e) => setTitle(e.target.value)}
              placeholder="e.g. Meditate 20 sessions"
            />
          )}
        </Field>
      </div>
      <Field label="Target (optional)" error={errors.targetValue}>
        {(p) => (
          <input {...p} className="input" type="number" min={0} step="any" value={target} onChange={(e) => setTarget(e.target.value)} />
        )}
      </Field>
      <Field label="Unit" error={errors.unit}>
        {(p) => <input {...p} className="input" value={unit} onChange={(e) => setUnit(e.target.value)} placeholder="sessions, kg, km…" />}
      </Field>
      <Field label="Deadline (optional)" error={errors.deadline}>
        {(p) => <input {...p} className="input" type="date" value={deadline} onChange={(e) => setDeadline(e.target.value)} />}
      </Field>
      {save.error && !Object.keys(errors).length && (
        <div className="sm:col-span-2">
          <ErrorNotice error={save.error} title="The goal was not added" />
        </div>
      )}
      <div className="flex items-end">
        <button type="submit" className="btn-primary" disabled={save.isPending || !title.trim()}>
          <Busy isBusy={save.isPending} busyText="Adding…">
            Add goal
          </Busy>
        </button>
      </div>
    </form>
  );
}

export function ContactGoals({ contactId }: { contactId: string }) {
  const goals = useGoals(contactId);
  return (
    <div className="space-y-4">
      {goals.isPending && <Spinner label="Loading goals" />}
      <ErrorNotice error={goals.error} title="Goals could not be loaded" onRetry={() => void goals.refetch()} />
      {goals.data?.items.length === 0 && <p className="text-sm text-muted">No goals yet. Add one below to track progress together.</p>}
      <ul aria-label="Goals" className="grid gap-3 md:grid-cols-2">
        {goals.data?.items.map((g) => (
          <GoalCard key={g.id} goal={g} contactId={contactId} />
        ))}
      </ul>
      <AddGoal contactId={contactId} />
    </div>
  );
}
