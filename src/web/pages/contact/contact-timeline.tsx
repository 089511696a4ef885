import { useState, type FormEvent } from 'react';
import { fieldErrors } from '../../api/api-client';
import { useAddInteraction, useDeleteInteraction, useTimeline } from '../../api/practice.api';
import { INTERACTION_LABELS, INTERACTION_TYPES, type InteractionType } from '../../api/types';
import { useToast } from '../../app/toasts';
import { Icon, type IconName } from '../../components/icons';
import { Busy, ErrorNotice, Field, Spinner } from '../../components/ui';
import { formatDateTime, fromLocalInput, toLocalInput } from '../../lib/format';

const TYPE_ICON: Record<InteractionType, IconName> = { note: 'note', call: 'phone', meeting: 'calendar', email: 'mail', class_attendance: 'users' };

function AddEntry({ contactId }: { contactId: string }) {
  const add = useAddInteraction(contactId);
  const toast = useToast();
  const [type, setType] = useState<InteractionType>('note');
  const [subject, setSubject] = useState('');
  const [content, setContent] = useState('');
  const [when, setWhen] = useState(() => toLocalInput(new Date()));
  const errors = fieldErrors(add.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(
      { type, subject: subject.trim(), content, occurredAt: fromLocalInput(when) },
      {
        onSuccess: () => {
          toast.success(`${INTERACTION_LABELS[type]} added to the timeline.`);
          setSubject('');
          setContent('');
          setWhen(toLocalInput(new Date()));
        },
      },
    );
  };
  return (
    <form onSubmit={submit} className="card space-y-3 p-4" aria-labelledby="add-entry-title">
      <h2 id="add-entry-title" className="font-semibold">Add to the timeline</h2>
      <div role="radiogroup" aria-label="Kind of entry" className="flex flex-wrap gap-1">
        {INTERACTION_TYPES.map((t) => (
          <label key={t} className="btn-secondary cursor-pointer py-1 has-[:checked]:border-brand has-[:checked]:bg-brand-soft has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-strong">
            <input type="radio" name="entry-type" className="sr-only" checked={type === t} onChange={() => setType(t)} />
            <Icon name={TYPE_ICON[t]} size={16} />
            {INTERACTION_LABELS[t]}
          </label>
        ))}
      </div>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto]">
        <Field label="Subject" error={errors.subject}>{(p) => <input {...p} className="input" value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="e.g. Follow-up on sleep routine" />}</Field>
        <Field label="When" error={errors.occurredAt}>{(p) => <input {...p} className="input" type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />}</Field>
      </div>
      <Field label="Details" error={errors.content}>{(p) => <textarea {...p} className="input" rows={3} value={content} onChange={(e) => setContent(e.target.value)} />}</Field>
      {add.error && !Object.keys(errors).length && <ErrorNotice error={add.error} title="The entry was not added" />}
      <button type="submit" className="btn-primary" disabled={add.isPending || (!subject.trim() && !content.trim())}>
        <Busy isBusy={add.isPending} busyText="Adding…">Add {INTERACTION_LABELS[type].toLowerCase()}</Busy>
      </button>
    </form>
  );
}

export function ContactTimeline({ contactId }: { contactId: string }) {
  const timeline = useTimeline(contactId);
  const remove = useDeleteInteraction(contactId);
  const toast = useToast();
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      <AddEntry contactId={contactId} />
      {timeline.isPending && <Spinner label="Loading the timeline" />}
      <ErrorNotice error={timeline.error} title="The timeline could not be loaded" onRetry={() => void timeline.refetch()} />
      {timeline.data && entries.length === 0 && <p className="text-sm text-muted">Nothing on the timeline yet. Notes, calls and sessions you add appear here.</p>}
      <ol aria-label="Timeline" className="relative space-y-3 border-l-2 border-line pl-5">
        {entries.map((i) => (
          <li key={i.id} className="card relative p-3">
            <span className="absolute -left-[31px] top-3 flex size-6 items-center justify-center rounded-full border-2 border-line bg-surface text-brand-ink">
              <Icon name={TYPE_ICON[i.type]} size={12} />
            </span>
            <div className="flex flex-wrap items-baseline gap-2">
              <span className="text-xs font-semibold uppercase tracking-wide text-brand-ink">{INTERACTION_LABELS[i.type]}</span>
              <time dateTime={i.occurredAt} className="text-xs text-muted">{formatDateTime(i.occurredAt)}</time>
              {i.source !== 'manual' && <span className="text-xs text-muted">from {i.source}</span>}
              <button
                type="button"
                className="btn-ghost ml-auto p-1"
                aria-label={`Delete ${INTERACTION_LABELS[i.type].toLowerCase()} ${i.subject || formatDateTime(i.occurredAt)}`}
                disabled={remove.isPending && remove.variables === i.id}
                onClick={() => remove.mutate(i.id, { onSuccess: () => toast.success('Entry deleted.'), onError: (e) => toast.error(e) })}
              >
                <Icon name="trash" size={14} />
              </button>
            </div>
            {i.subject && <p className="mt-1 break-words font-medium">{i.subject}</p>}
            {i.content && <p className="mt-1 whitespace-pre-wrap break-words text-sm text-ink/90">{i.content}</p>}
          </li>
        ))}
      </ol>
      {timeline.hasNextPage && (
        <button type="button" className="btn-secondary" disabled={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
          <Busy isBusy={timeline.isFetchingNextPage} busyText="Loading…">Show older entries</Busy>
        </button>
      )}
    </div>
  );
}
