import { useState } from 'react';
import { useDismiss, useDuplicates, useMerge, useMerges, useUndoMerge } from '../../api/duplicates.api';
import { useToast } from '../../app/toasts';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import { formatRelative } from '../../lib/format';
import type { DuplicateContact, DuplicateGroup, MergeField } from '../../../shared/api/duplicates';

const FIELD_LABELS: Record<MergeField, string> = {
  name: 'Name',
  notes: 'Notes',
  lifecycleStage: 'Stage',
  status: 'Status',
  sentiment: 'Sentiment',
  engagementTrend: 'Engagement',
  birthday: 'Birthday',
  keepInTouchDays: 'Keep in touch (days)',
  referralCount: 'Referrals',
  customFields: 'Custom fields',
  socialHandles: 'Social handles',
  photoId: 'Photo',
};
const MERGE_FIELDS = Object.keys(FIELD_LABELS) as MergeField[];
/** Fields the comparison shows a value of; the others are chosen by contact. */
const SHOWN: Partial<Record<MergeField, (c: DuplicateContact) => string>> = {
  name: (c) => c.name,
  notes: (c) => (c.notes.length > 80 ? `${c.notes.slice(0, 80)}…` : c.notes) || '—',
  lifecycleStage: (c) => c.lifecycleStage,
  status: (c) => c.status,
  sentiment: (c) => (c.sentiment === null ? '—' : String(c.sentiment)),
  birthday: (c) => c.birthday ?? '—',
  keepInTouchDays: (c) => (c.keepInTouchDays === null ? '—' : String(c.keepInTouchDays)),
  referralCount: (c) => String(c.referralCount),
  photoId: (c) => (c.photoUrl ? 'Has a photo' : 'No photo'),
};

function GroupCard({ group }: { group: DuplicateGroup }) {
  const [primaryId, setPrimaryId] = useState(group.contacts[0]!.id);
  const [fields, setFields] = useState<Partial<Record<MergeField, string>>>({});
  const merge = useMerge();
  const undo = useUndoMerge();
  const dismiss = useDismiss();
  const toast = useToast();
  const ids = group.contacts.map((c) => c.id);
  const fieldsShown = MERGE_FIELDS.filter((f) => SHOWN[f] && new Set(group.contacts.map((c) => SHOWN[f]!(c))).size > 1);

  async function onMerge() {
    const others = ids.filter((id) => id !== primaryId);
    const chosen = Object.fromEntries(Object.entries(fields).filter(([, id]) => id !== primaryId));
    try {
      const result = await merge.mutateAsync({ primaryId, contactIds: others, fields: chosen });
      toast.undoable(
        `Merged ${group.contacts.length} contacts.`,
        () => undo.mutateAsync(result.mergeId),
        'Merge undone: the contacts are back.',
      );
    } catch (err) {
      toast.error(err);
    }
  }

  return (
    <li className="card p-4" data-testid="duplicate-group">
      <ul className="mb-3 flex flex-wrap gap-2" aria-label="Why these look like the same person">
        {group.reasons.map((r) => (
          <li key={`${r.kind}-${r.contactIds.join('-')}`} className="chip">
            {r.text}
          </li>
        ))}
      </ul>
      <div className="overflow-x-auto">
        <table className="w-full text-sm [&_td]:py-1 [&_td]:pr-4 [&_td]:align-top [&_th]:py-1 [&_th]:pr-4 [&_th]:align-top">
          <thead>
            <tr>
              <th scope="col" className="text-left font-medium text-muted">
                Field
              </th>
              {group.contacts.map((c) => (
                <th key={c.id} scope="col" className="text-left">
                  <label className="inline-flex items-center gap-2">
                    <input type="radio" name={`primary-${ids[0]}`} checked={primaryId === c.id} onChange={() => setPrimaryId(c.id)} />
                    <span>
                      Keep {c.name} <span className="text-muted">({c.interactions} timeline entries)</span>
                    </span>
                  </label>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row" className="text-left font-medium text-muted">
                Emails and phones
              </th>
              {group.contacts.map((c) => (
                <td key={c.id}>{[...c.emails, ...c.phones].join(', ') || '—'}</td>
              ))}
            </tr>
            {fieldsShown.map((f) => (
              <tr key={f}>
                <th scope="row" className="text-left font-medium text-muted">
                  {FIELD_LABELS[f]}
                </th>
                {group.contacts.map((c) => (
                  <td key={c.id}>
                    <label className="inline-flex items-center gap-2">
                      <input
                        type="radio"
                        name={`${f}-${ids[0]}`}
                        aria-label={`${FIELD_LABELS[f]}: ${SHOWN[f]!(c)}`}
                        checked={(fields[f] ?? primaryId) === c.id}
                        onChange={() => setFields((prev) => ({ ...prev, [f]: c.id }))}
                      />
                      <span>{SHOWN[f]!(c)}</span>
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-sm text-muted">
        Emails, phones, tags, dates and every timeline entry, goal, task and photo are kept from all of them.
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" className="btn-primary" disabled={merge.isPending} onClick={() => void onMerge()}>
          Merge {group.contacts.length} contacts
        </button>
        {group.contacts.length === 2 && (
          <button
            type="button"
            className="btn-secondary"
            disabled={dismiss.isPending}
            onClick={() =>
              dismiss.mutate([ids[0]!, ids[1]!], {
                onSuccess: () => toast.success('Marked as different people: they will not be proposed again.'),
                onError: (err) => toast.error(err),
              })
            }
          >
            Not the same person
          </button>
        )}
      </div>
    </li>
  );
}

function MergeHistory() {
  const merges = useMerges();
  const undo = useUndoMerge();
  const toast = useToast();
  return (
    <section aria-labelledby="merge-history" className="card mt-6 p-5">
      <h2 id="merge-history" className="text-lg font-semibold">
        Merge history
      </h2>
      <p className="mt-1 text-sm text-muted">A merge can be undone for 30 days: both contacts come back with everything that was theirs.</p>
      {merges.isPending && <Spinner label="Loading merges" />}
      <ErrorNotice error={merges.error} title="The merge history could not be loaded" onRetry={() => void merges.refetch()} />
      <ul className="mt-3 divide-y divide-line">
        {merges.data?.items.map((m) => (
          <li key={m.id} className="flex flex-wrap items-center gap-3 py-3" data-testid="merge-record">
            <p className="min-w-0 flex-1">
              {[m.primaryName, ...m.mergedNames].join(' + ')} <span className="text-sm text-muted">· {formatRelative(m.createdAt)}</span>
            </p>
            {m.undoneAt ? (
              <span className="text-sm text-muted">Undone</span>
            ) : new Date(m.undoUntil).getTime() > Date.now() ? (
              <button
                type="button"
                className="btn-secondary"
                disabled={undo.isPending}
                onClick={() =>
                  undo.mutate(m.id, {
                    onSuccess: () => toast.success('Merge undone: the contacts are back.'),
                    onError: (err) => toast.error(err),
                  })
                }
              >
                Undo merge
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {merges.data && !merges.data.items.length && <p className="mt-3 text-sm text-muted">No merges yet.</p>}
    </section>
  );
}

export default function DuplicatesPage() {
  const duplicates = useDuplicates();
  return (
    <div>
      <PageHeader title="Duplicates" subtitle="Contacts that look like the same person, and why. Merge them or mark them as different." />
      {duplicates.isPending && <Spinner label="Looking for duplicates" />}
      <ErrorNotice error={duplicates.error} title="Duplicates could not be loaded" onRetry={() => void duplicates.refetch()} />
      {duplicates.data && !duplicates.data.items.length && (
        <EmptyState title="No likely duplicates">Every contact looks like a different person.</EmptyState>
      )}
      <ul className="space-y-4">
        {duplicates.data?.items.map((g) => (
          <GroupCard key={g.contacts.map((c) => c.id).join('-')} group={g} />
        ))}
      </ul>
      {duplicates.data?.truncated && <p className="mt-3 text-sm text-muted">More groups exist: merge or dismiss these, then look again.</p>}
      <MergeHistory />
    </div>
  );
}
