import { useId, useState } from 'react';
import { useCreateTag, useTags } from '../api/tags.api';
import { useToast } from '../app/toasts';
import { Spinner } from './ui';

const PALETTE = ['#0d9488', '#0284c7', '#7c3aed', '#db2777', '#ea580c', '#ca8a04', '#16a34a', '#475569'];

/** Choose tags from the account's list, with a filter and a way to create a missing one in place. */
export function TagPicker({ value, onChange, label = 'Tags' }: { value: string[]; onChange: (ids: string[]) => void; label?: string }) {
  const tags = useTags();
  const create = useCreateTag();
  const toast = useToast();
  const [filter, setFilter] = useState('');
  const id = useId();
  const list = (tags.data ?? []).filter((t) => t.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const exact = (tags.data ?? []).some((t) => t.name.toLowerCase() === filter.trim().toLowerCase());
  const toggle = (tagId: string) => onChange(value.includes(tagId) ? value.filter((x) => x !== tagId) : [...value, tagId]);
  const createTyped = () =>
    create.mutate(
      { name: filter.trim(), color: PALETTE[(tags.data?.length ?? 0) % PALETTE.length] },
      {
        onSuccess: (tag) => {
          onChange([...value, tag.id]);
          setFilter('');
        },
        onError: (err) => toast.error(err),
      },
    );
  /** Enter adds the typed tag (the existing one of that name, or a new one); it never submits the form. */
  const addTyped = () => {
    const name = filter.trim().toLowerCase();
    if (!name || create.isPending) return;
    const match = tags.data?.find((t) => t.name.toLowerCase() === name);
    if (!match) return createTyped();
    if (!value.includes(match.id)) onChange([...value, match.id]);
    setFilter('');
  };

  return (
    <fieldset className="min-w-0">
      <legend className="label">{label}</legend>
      <input
        id={id}
        className="input mb-2"
        placeholder="Filter or create a tag"
        aria-label={`Filter ${label.toLowerCase()}`}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          addTyped();
        }}
      />
      {tags.isPending && <Spinner label="Loading tags" />}
      <div className="flex max-h-40 flex-wrap gap-2 overflow-y-auto">
        {list.map((t) => (
          <label
            key={t.id}
            className="chip cursor-pointer border-line bg-raised text-ink has-[:checked]:border-brand has-[:checked]:bg-brand-soft"
          >
            <input type="checkbox" className="accent-teal-700" checked={value.includes(t.id)} onChange={() => toggle(t.id)} />
            <span aria-hidden="true" className="inline-block size-2 rounded-full" style={{ background: t.color }} />
            {t.name}
          </label>
        ))}
        {tags.data && list.length === 0 && !filter && <p className="text-sm text-muted">No tags yet. Type a name above to create one.</p>}
      </div>
      {filter.trim() && !exact && (
        <button type="button" className="btn-secondary mt-2 py-1" disabled={create.isPending} onClick={createTyped}>
          {create.isPending ? 'Creating…' : `Create tag “${filter.trim()}”`}
        </button>
      )}
    </fieldset>
  );
}
