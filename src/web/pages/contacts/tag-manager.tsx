import { useState } from 'react';
import { useDeleteTag, useMergeTag, useTags, useUpdateTag } from '../../api/tags.api';
import type { Tag } from '../../../shared/api/tags';
import { useToast } from '../../app/toasts';
import { Icon } from '../../components/icons';
import { ErrorNotice, Modal, Spinner } from '../../components/ui';
import { plural } from '../../lib/format';

function TagRow({ tag, others }: { tag: Tag; others: Tag[] }) {
  const update = useUpdateTag();
  const merge = useMergeTag();
  const remove = useDeleteTag();
  const toast = useToast();
  const [name, setName] = useState(tag.name);
  const [mergeInto, setMergeInto] = useState('');
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const rename = () => {
    if (name.trim() && name.trim() !== tag.name)
      update.mutate(
        { id: tag.id, name: name.trim() },
        {
          onSuccess: () => toast.success(`Renamed to “${name.trim()}”.`),
          onError: (e) => {
            setName(tag.name);
            toast.error(e);
          },
        },
      );
  };
  return (
    <li className="space-y-2 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="color"
          value={tag.color}
          aria-label={`Colour of ${tag.name}`}
          className="h-9 w-10 cursor-pointer rounded border border-line bg-surface p-0.5"
          onChange={(e) => update.mutate({ id: tag.id, color: e.target.value }, { onError: (err) => toast.error(err) })}
        />
        <input
          className="input min-w-0 flex-1"
          aria-label={`Name of tag ${tag.name}`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          onBlur={rename}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), rename())}
        />
        <span className="w-24 text-right text-sm text-muted">{plural(tag.contactCount, 'contact')}</span>
        <button type="button" className="btn-ghost p-2" aria-label={`Delete tag ${tag.name}`} onClick={() => setConfirmingDelete(true)}>
          <Icon name="trash" size={16} />
        </button>
      </div>
      {isConfirmingDelete && (
        <div className="flex flex-wrap items-center gap-2 rounded-lg bg-danger-soft p-2 text-sm" role="alert">
          Delete “{tag.name}”? It is removed from {plural(tag.contactCount, 'contact')}; the contacts stay.
          <button
            type="button"
            className="btn-danger py-1"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(tag.id, { onSuccess: () => toast.success(`Deleted tag “${tag.name}”.`), onError: (e) => toast.error(e) })
            }
          >
            {remove.isPending ? 'Deleting…' : 'Delete tag'}
          </button>
          <button type="button" className="btn-secondary py-1" onClick={() => setConfirmingDelete(false)}>
            Keep it
          </button>
        </div>
      )}
      {others.length > 0 && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-2">
            Merge into
            <select
              className="input w-auto py-1"
              value={mergeInto}
              onChange={(e) => setMergeInto(e.target.value)}
              aria-label={`Merge ${tag.name} into`}
            >
              <option value="">Choose a tag…</option>
              {others.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn-secondary py-1"
            aria-label={`Merge ${tag.name} into the chosen tag`}
            disabled={!mergeInto || merge.isPending}
            onClick={() =>
              merge.mutate(
                { id: tag.id, intoTagId: mergeInto },
                { onSuccess: (t) => toast.success(`Merged “${tag.name}” into “${t.name}”.`), onError: (e) => toast.error(e) },
              )
            }
          >
            {merge.isPending ? 'Merging…' : 'Merge'}
          </button>
        </div>
      )}
    </li>
  );
}

export function TagManager({ open, onClose }: { open: boolean; onClose: () => void }) {
  const tags = useTags();
  return (
    <Modal open={open} onClose={onClose} title="Manage tags" wide>
      {tags.isPending && <Spinner label="Loading tags" />}
      <ErrorNotice error={tags.error} title="Tags could not be loaded" onRetry={() => void tags.refetch()} />
      {tags.data?.length === 0 && (
        <p className="text-sm text-muted">No tags yet. Add tags to contacts from the contact page, quick add or bulk actions.</p>
      )}
      <ul className="max-h-[60vh] divide-y divide-line overflow-y-auto pr-1">
        {tags.data?.map((t) => (
          <TagRow key={t.id} tag={t} others={tags.data.filter((o) => o.id !== t.id)} />
        ))}
      </ul>
    </Modal>
  );
}
