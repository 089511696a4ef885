import { useState } from 'react';
import { Link } from 'wouter';
import { useApproveSuggestion, useRejectSuggestion, useRunSuggestions, useSuggestions, useUndoSuggestion } from '../../api/suggestions.api';
import { useToast } from '../../app/toasts';
import { Busy, EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import type { Suggestion, SuggestionKind } from '../../../shared/api/suggestions';

const KIND_LABELS: Record<SuggestionKind, string> = {
  reconnect: 'Reconnect',
  tag_from_attendance: 'Tag from a class',
  add_photo: 'Missing photo',
  overdue_task: 'Overdue task',
  record_consent: 'Missing consent',
};

/** What approving does, said before the person clicks. */
const APPROVE_DOES: Record<SuggestionKind, string> = {
  reconnect: 'Creates a task to reach out today',
  tag_from_attendance: 'Adds the tag',
  add_photo: 'Creates a task to add their photo',
  overdue_task: 'Moves the due date a week on',
  record_consent: 'Creates a task to ask for their decision',
};

function SuggestionCard({ s, onDone }: { s: Suggestion; onDone: (s: Suggestion) => void }) {
  const approve = useApproveSuggestion();
  const reject = useRejectSuggestion();
  const toast = useToast();
  const busy = approve.isPending || reject.isPending;
  return (
    <li className="card flex flex-col gap-2 p-4 sm:flex-row sm:items-start" aria-label={s.title}>
      <div className="min-w-0 flex-1 space-y-1">
        <p className="text-xs font-medium uppercase tracking-wide text-muted">{KIND_LABELS[s.kind]}</p>
        <p className="font-semibold">{s.title}</p>
        {s.rationale && <p className="text-sm text-muted">{s.rationale}</p>}
        <p className="text-xs text-muted">
          {APPROVE_DOES[s.kind]}.
          {s.contact && (
            <>
              {' '}
              ·{' '}
              <Link href={`/contacts/${s.contact.id}`} className="underline">
                Open {s.contact.name}
              </Link>
            </>
          )}
          {s.madeWithoutModel ? ' · Made without an AI model.' : ` · Worded by ${s.model}.`}
        </p>
      </div>
      <div className="flex gap-2">
        <button
          type="button"
          className="btn-primary"
          disabled={busy}
          onClick={() =>
            approve.mutate(s.id, {
              onSuccess: (done) => onDone(done),
              onError: (e) => toast.error(e),
            })
          }
        >
          <Busy isBusy={approve.isPending} busyText="Approving…">
            Approve
          </Busy>
        </button>
        <button
          type="button"
          className="btn-secondary"
          disabled={busy}
          onClick={() =>
            reject.mutate(s.id, {
              onSuccess: (done) => onDone(done),
              onError: (e) => toast.error(e),
            })
          }
        >
          {reject.isPending ? 'Rejecting…' : 'Reject'}
        </button>
      </div>
    </li>
  );
}

/** What was decided on this visit, with its result and an Undo where the action has one. */
function Decided({ items, onUndone }: { items: Suggestion[]; onUndone: (id: string) => void }) {
  const undo = useUndoSuggestion();
  const toast = useToast();
  if (!items.length) return null;
  return (
    <section aria-labelledby="decided-title" className="space-y-2">
      <h2 id="decided-title" className="font-semibold">
        Just decided
      </h2>
      <ul className="space-y-2" aria-label="Decided suggestions">
        {items.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center gap-2 rounded-lg bg-raised px-3 py-2 text-sm">
            <span className="flex-1">
              <span className="font-medium">{s.title}</span>:{' '}
              {s.status === 'applied' ? (s.result?.message ?? 'Done.') : 'Rejected; it will not be suggested again.'}
            </span>
            {s.result?.taskId && (
              <Link href="/tasks" className="underline">
                See tasks
              </Link>
            )}
            {s.status === 'applied' && s.result?.undoable && (
              <button
                type="button"
                className="btn-ghost"
                disabled={undo.isPending}
                onClick={() =>
                  undo.mutate(s.id, {
                    onSuccess: () => {
                      onUndone(s.id);
                      toast.success('Undone: the suggestion is back in the inbox.');
                    },
                    onError: (e) => toast.error(e),
                  })
                }
              >
                Undo
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export default function SuggestionsPage() {
  const list = useSuggestions();
  const run = useRunSuggestions();
  const toast = useToast();
  const [decided, setDecided] = useState<Suggestion[]>([]);
  const items = list.data?.items ?? [];
  return (
    <div className="space-y-6">
      <PageHeader
        title="Suggestions"
        subtitle="Proposed each day from your records. Nothing happens until you approve; a rejected suggestion never comes back."
      >
        <button
          type="button"
          className="btn-secondary"
          disabled={run.isPending}
          onClick={() =>
            run.mutate(undefined, {
              onSuccess: (r) => toast.success(r.proposed ? `${r.proposed} new suggestion(s).` : 'Nothing new to suggest.'),
              onError: (e) => toast.error(e),
            })
          }
        >
          <Busy isBusy={run.isPending} busyText="Looking…">
            Look for suggestions now
          </Busy>
        </button>
      </PageHeader>
      <Decided items={decided} onUndone={(id) => setDecided((d) => d.filter((x) => x.id !== id))} />
      {list.isPending && <Spinner label="Loading suggestions" />}
      <ErrorNotice error={list.error} title="Suggestions could not be loaded" onRetry={() => void list.refetch()} />
      {list.data && !items.length && (
        <EmptyState title="No suggestions waiting">New ones arrive each day, or look for them now.</EmptyState>
      )}
      {items.length > 0 && (
        <ul className="space-y-3" aria-label="Pending suggestions">
          {items.map((s) => (
            <SuggestionCard key={s.id} s={s} onDone={(done) => setDecided((d) => [done, ...d.filter((x) => x.id !== done.id)])} />
          ))}
        </ul>
      )}
    </div>
  );
}
