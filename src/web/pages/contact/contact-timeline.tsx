import { useEffect, useRef, useState } from 'react';
import {
  useAddInteraction,
  useDeleteInteraction,
  useRestore,
  useTimeline,
  useUpdateInteraction,
  type InteractionInput,
} from '../../api/practice.api';
import type { Interaction } from '../../../shared/api/interactions';
import { INTERACTION_LABELS } from '../../lib/labels';
import { useToast } from '../../app/toasts';
import { RecordItem } from '../../components/record-item';
import { ContactPicker } from '../../components/contact-picker';
import { Icon } from '../../components/icons';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDateTime, fromLocalInput } from '../../lib/format';
import { blankEntry, describeEntry, EntryForm, sentimentOf, TYPE_ICON, valuesOf, type EntryValues } from './timeline-entry-form';

function AddEntry({ contactId }: { contactId: string }) {
  const add = useAddInteraction(contactId);
  const toast = useToast();
  return (
    <div className="card p-4">
      <EntryForm
        title="Add to the timeline"
        draftKey={`interaction:new:${contactId}`}
        initial={blankEntry()}
        mutation={add}
        errorTitle="The entry was not added"
        submitText={(type) => `Add ${INTERACTION_LABELS[type].toLowerCase()}`}
        busyText="Adding…"
        onSubmit={(v, reset) =>
          add.mutate(
            {
              type: v.type,
              subject: v.subject.trim(),
              content: v.content,
              occurredAt: fromLocalInput(v.when),
              sentiment: sentimentOf(v),
              private: v.private,
            },
            {
              onSuccess: () => {
                toast.success(`${INTERACTION_LABELS[v.type]} added to the timeline.`);
                reset();
              },
            },
          )
        }
      />
    </div>
  );
}

/** Only what changed is sent, so an untouched time keeps its seconds and a synced entry keeps its values. */
function changesOf(entry: Interaction, initial: EntryValues, v: EntryValues): Partial<InteractionInput> {
  const patch: Partial<InteractionInput> = {};
  if (v.type !== entry.type) patch.type = v.type;
  if (v.subject.trim() !== entry.subject) patch.subject = v.subject.trim();
  if (v.content !== entry.content) patch.content = v.content;
  const occurredAt = v.when !== initial.when ? fromLocalInput(v.when) : undefined;
  if (occurredAt) patch.occurredAt = occurredAt;
  if (sentimentOf(v) !== entry.sentiment) patch.sentiment = sentimentOf(v);
  if (v.private !== entry.private) patch.private = v.private;
  return patch;
}

function TimelineEntry({ entry: i, contactId }: { entry: Interaction; contactId: string }) {
  const update = useUpdateInteraction(contactId);
  const remove = useDeleteInteraction(contactId);
  const restore = useRestore();
  const toast = useToast();
  // The values the form opened with: what "changed" is measured against, even if the entry refetches meanwhile.
  const [editFrom, setEditFrom] = useState<EntryValues | null>(null);
  const [moveTo, setMoveTo] = useState<{ id: string; name: string } | null>(null);
  const isEditing = editFrom !== null;
  const editButton = useRef<HTMLButtonElement>(null);
  const moveInput = useRef<HTMLInputElement>(null);
  const wasEditing = useRef(false);
  // Closing the form puts focus back on the button that opened it, so keyboard users stay in place.
  useEffect(() => {
    if (wasEditing.current && !isEditing) editButton.current?.focus();
    wasEditing.current = isEditing;
  }, [isEditing]);
  const close = () => {
    update.reset();
    setMoveTo(null);
    setEditFrom(null);
  };

  if (editFrom) {
    return (
      <EntryForm
        title="Edit entry"
        formLabel={`Edit ${describeEntry(i)}`}
        draftKey={`interaction:${i.id}`}
        initial={editFrom}
        mutation={update}
        errorTitle="The changes were not saved"
        submitText={() => 'Save changes'}
        busyText="Saving…"
        onCancel={close}
        onSubmit={(v, reset) => {
          const patch = { ...changesOf(i, editFrom, v), ...(moveTo && { contactId: moveTo.id }) };
          if (!Object.keys(patch).length) {
            reset();
            return close();
          }
          const done = moveTo ? `Entry moved to ${moveTo.name}’s timeline.` : 'Entry updated.';
          update.mutate(
            { id: i.id, ...patch, version: i.version },
            {
              onSuccess: () => {
                reset();
                toast.success(done);
                close();
              },
            },
          );
        }}
      >
        <ContactPicker
          label="Move to another contact (optional)"
          exclude={[contactId]}
          inputRef={moveInput}
          onPick={(c) => setMoveTo({ id: c.id, name: c.name })}
        />
        {moveTo && (
          <p className="flex flex-wrap items-center gap-2 text-sm" role="status">
            Saving moves this entry to {moveTo.name}’s timeline.
            <button
              type="button"
              className="btn-ghost px-2 py-1 text-xs"
              onClick={() => {
                setMoveTo(null);
                moveInput.current?.focus();
              }}
            >
              Keep it here
            </button>
          </p>
        )}
      </EntryForm>
    );
  }
  return (
    <>
      <div className="flex flex-wrap items-baseline gap-2">
        <span className="text-xs font-semibold uppercase tracking-wide text-brand-ink">{INTERACTION_LABELS[i.type]}</span>
        <time dateTime={i.occurredAt} className="text-xs text-muted">
          {formatDateTime(i.occurredAt)}
        </time>
        {i.sentiment !== null && <span className="text-xs text-muted">sentiment {i.sentiment} of 5</span>}
        {i.source !== 'manual' && <span className="text-xs text-muted">from {i.source}</span>}
        {i.private && (
          <span className="inline-flex items-center gap-1 text-xs text-muted" title="Private: shown only to you, never sent to AI">
            <Icon name="lock" size={12} /> Private
          </span>
        )}
        <span className="ml-auto flex gap-1">
          <button
            ref={editButton}
            type="button"
            className="btn-ghost px-2 py-1 text-xs"
            aria-label={`Edit ${describeEntry(i)}`}
            onClick={() => setEditFrom(valuesOf(i))}
          >
            Edit
          </button>
          <button
            type="button"
            className="btn-ghost p-1"
            aria-label={`Delete ${describeEntry(i)}`}
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(i.id, {
                onSuccess: () => toast.undoable(`Deleted ${describeEntry(i)}.`, () => restore('interactions', i.id), 'Entry restored.'),
                onError: (e) => toast.error(e),
              })
            }
          >
            <Icon name="trash" size={14} />
          </button>
        </span>
      </div>
      {i.subject && <p className="mt-1 break-words font-medium">{i.subject}</p>}
      {i.content && <p className="mt-1 whitespace-pre-wrap break-words text-sm text-ink/90">{i.content}</p>}
    </>
  );
}

export function ContactTimeline({ contactId }: { contactId: string }) {
  const timeline = useTimeline(contactId);
  const entries = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="space-y-4">
      <AddEntry contactId={contactId} />
      {timeline.isPending && <Spinner label="Loading the timeline" />}
      <ErrorNotice error={timeline.error} title="The timeline could not be loaded" onRetry={() => void timeline.refetch()} />
      {timeline.data && entries.length === 0 && (
        <p className="text-sm text-muted">Nothing on the timeline yet. Notes, calls and sessions you add appear here.</p>
      )}
      <ol aria-label="Timeline" className="relative space-y-3 border-l-2 border-line pl-5">
        {entries.map((i) => (
          <RecordItem key={i.id} id={i.id} className="card relative p-3">
            <span className="absolute -left-[31px] top-3 flex size-6 items-center justify-center rounded-full border-2 border-line bg-surface text-brand-ink">
              <Icon name={TYPE_ICON[i.type]} size={12} />
            </span>
            <TimelineEntry entry={i} contactId={contactId} />
          </RecordItem>
        ))}
      </ol>
      {timeline.hasNextPage && (
        <button
          type="button"
          className="btn-secondary"
          disabled={timeline.isFetchingNextPage}
          onClick={() => void timeline.fetchNextPage()}
        >
          <Busy isBusy={timeline.isFetchingNextPage} busyText="Loading…">
            Show older entries
          </Busy>
        </button>
      )}
    </div>
  );
}
