import { useState } from 'react';
import { useQueries } from '@tanstack/react-query';
import { api } from '../../api/api-client';
import { useBulkContacts, type BulkInput } from '../../api/contacts.api';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../../shared/domain';
import type { DeletePreview } from '../../../shared/api/contacts';
import { STAGE_LABELS } from '../../lib/labels';
import { useToast } from '../../app/toasts';
import { TagPicker } from '../../components/tag-picker';
import { Busy, ErrorNotice, Modal, Spinner } from '../../components/ui';
import { describeCount, plural } from '../../lib/format';

type Mode = 'tag' | 'untag' | 'set_stage' | 'delete' | null;
const PREVIEW_LIMIT = 25;

function DeleteSummary({ ids }: { ids: string[] }) {
  // Previews for up to 25 contacts, fetched in parallel; beyond that the totals are described.
  const previews = useQueries({
    queries: ids.slice(0, PREVIEW_LIMIT).map((id) => ({
      queryKey: ['contacts', 'delete-preview', id],
      queryFn: () => api.get<DeletePreview>(`/api/contacts/${id}/delete-preview`),
      staleTime: 0,
    })),
  });
  if (previews.some((p) => p.isPending)) return <Spinner label="Counting what will be deleted" />;
  const totals: Record<string, number> = {};
  for (const p of previews) for (const [k, n] of Object.entries(p.data?.willDelete ?? {})) totals[k] = (totals[k] ?? 0) + n;
  const parts = Object.entries(totals).filter(([, n]) => n > 0);
  return (
    <div className="space-y-2 text-sm">
      <p>
        {plural(ids.length, 'contact')} will be deleted for good
        {parts.length > 0 && ids.length <= PREVIEW_LIMIT ? ', together with:' : '.'}
      </p>
      {parts.length > 0 && (
        <ul className="list-disc pl-5">
          {parts.map(([k, n]) => (
            <li key={k}>{describeCount(k, n)}</li>
          ))}
        </ul>
      )}
      {ids.length > PREVIEW_LIMIT && (
        <p className="text-muted">
          Counts above cover the first {PREVIEW_LIMIT} selected contacts; their timelines, goals and photos go too.
        </p>
      )}
    </div>
  );
}

export function BulkBar({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [mode, setMode] = useState<Mode>(null);
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [stage, setStage] = useState<LifecycleStage>('core_client');
  const bulk = useBulkContacts();
  const toast = useToast();
  const close = () => {
    setMode(null);
    setTagIds([]);
    bulk.reset();
  };
  const run = (input: BulkInput, done: string) =>
    bulk.mutate(input, {
      onSuccess: (r) => {
        toast.success(`${done} ${plural(r.affected.length, 'contact')}.`);
        close();
        onDone();
      },
    });
  const titles: Record<Exclude<Mode, null>, string> = {
    tag: `Add tags to ${plural(ids.length, 'contact')}`,
    untag: `Remove tags from ${plural(ids.length, 'contact')}`,
    set_stage: `Change the stage of ${plural(ids.length, 'contact')}`,
    delete: `Delete ${plural(ids.length, 'contact')}?`,
  };

  return (
    <div
      role="region"
      aria-label="Bulk actions"
      className="mb-3 flex flex-wrap items-center gap-2 rounded-xl border border-brand bg-brand-soft/50 px-3 py-2"
    >
      <p className="mr-auto text-sm font-medium">{plural(ids.length, 'contact')} selected</p>
      <button type="button" className="btn-secondary py-1.5" onClick={() => setMode('tag')}>
        Tag
      </button>
      <button type="button" className="btn-secondary py-1.5" onClick={() => setMode('untag')}>
        Untag
      </button>
      <button type="button" className="btn-secondary py-1.5" onClick={() => setMode('set_stage')}>
        Set stage
      </button>
      <button type="button" className="btn-danger py-1.5" onClick={() => setMode('delete')}>
        Delete
      </button>
      <button type="button" className="btn-ghost py-1.5" onClick={onDone}>
        Clear selection
      </button>
      <Modal open={mode !== null} onClose={close} title={mode ? titles[mode] : ''}>
        <div className="space-y-4">
          {(mode === 'tag' || mode === 'untag') && (
            <TagPicker value={tagIds} onChange={setTagIds} label={mode === 'tag' ? 'Tags to add' : 'Tags to remove'} />
          )}
          {mode === 'set_stage' && (
            <label className="block text-sm">
              <span className="label">New stage</span>
              <select className="input" value={stage} onChange={(e) => setStage(e.target.value as LifecycleStage)}>
                {LIFECYCLE_STAGES.map((s) => (
                  <option key={s} value={s}>
                    {STAGE_LABELS[s]}
                  </option>
                ))}
              </select>
            </label>
          )}
          {mode === 'delete' && <DeleteSummary ids={ids} />}
          <ErrorNotice error={bulk.error} title="Nothing was changed" />
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" onClick={close}>
              Cancel
            </button>
            {mode === 'tag' || mode === 'untag' ? (
              <button
                type="button"
                className="btn-primary"
                disabled={!tagIds.length || bulk.isPending}
                onClick={() => run({ action: mode, ids, tagIds }, mode === 'tag' ? 'Tagged' : 'Untagged')}
              >
                <Busy isBusy={bulk.isPending} busyText="Applying…">
                  {mode === 'tag' ? 'Add tags' : 'Remove tags'}
                </Busy>
              </button>
            ) : mode === 'set_stage' ? (
              <button
                type="button"
                className="btn-primary"
                disabled={bulk.isPending}
                onClick={() => run({ action: 'set_stage', ids, stage }, 'Updated')}
              >
                <Busy isBusy={bulk.isPending} busyText="Applying…">
                  Change stage
                </Busy>
              </button>
            ) : (
              <button
                type="button"
                className="btn-danger"
                disabled={bulk.isPending}
                onClick={() => run({ action: 'delete', ids }, 'Deleted')}
              >
                <Busy isBusy={bulk.isPending} busyText="Deleting…">
                  Delete for good
                </Busy>
              </button>
            )}
          </div>
        </div>
      </Modal>
    </div>
  );
}
