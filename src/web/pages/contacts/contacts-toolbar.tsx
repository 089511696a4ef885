import { FEATURES } from '../../lib/features';
import { useEffect, useState } from 'react';
import type { ColumnVisibilityState } from '@tanstack/react-table';
import type { ContactFilters, ContactSort } from '../../api/contacts.api';
import {
  CONSENT_PURPOSES,
  CONTACT_STATUSES,
  LIFECYCLE_STAGES,
  type ConsentPurpose,
  type ContactStatus,
  type LifecycleStage,
} from '../../../shared/domain';
import { CONSENT_PURPOSE_LABELS, STAGE_LABELS } from '../../lib/labels';
import { useTags } from '../../api/tags.api';
import { Icon } from '../../components/icons';
import { Popover } from '../../components/popover';
import { useDebounced } from '../../lib/use-debounced';
import { humanize } from '../../lib/format';
import { COLUMN_LABELS, countActiveFilters, DEFAULT_FILTERS, type ColumnId, type ContactsView } from './contacts-state';

const SORT_LABELS: Record<ContactSort, string> = {
  name: 'Name',
  lastContact: 'Last contact',
  created: 'Date added',
  sentiment: 'Sentiment',
};

function SearchBox({ value, onChange }: { value: string; onChange: (q: string) => void }) {
  const [text, setText] = useState(value);
  const debounced = useDebounced(text, 250);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (debounced !== value) onChange(debounced);
  }, [debounced]);
  return (
    <div className="relative min-w-0 basis-full sm:min-w-60 sm:max-w-md sm:flex-1 sm:basis-60">
      <Icon name="search" className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-muted" />
      <input
        id="contact-search"
        type="search"
        className="input pl-9"
        placeholder="Search name, email, phone, notes…"
        aria-label="Search contacts"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </div>
  );
}

function TriState({ label, value, onChange }: { label: string; value: boolean | undefined; onChange: (v: boolean | undefined) => void }) {
  return (
    <label className="flex items-center justify-between gap-2 text-sm">
      {label}
      <select
        className="input w-28 py-1"
        value={value === undefined ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value === 'true')}
      >
        <option value="">Any</option>
        <option value="true">Given</option>
        <option value="false">Not given</option>
      </select>
    </label>
  );
}

/** A purpose of the consent ledger to filter on (given now, expiry included), or any. */
function ConsentFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: ConsentPurpose | undefined;
  onChange: (v: ConsentPurpose | undefined) => void;
}) {
  return (
    <label className="flex items-center justify-between gap-2 text-sm">
      {label}
      <select
        className="input w-44 py-1"
        value={value ?? ''}
        onChange={(e) => onChange((e.target.value || undefined) as ConsentPurpose | undefined)}
      >
        <option value="">Any</option>
        {CONSENT_PURPOSES.map((p) => (
          <option key={p} value={p}>
            {CONSENT_PURPOSE_LABELS[p]}
          </option>
        ))}
      </select>
    </label>
  );
}

function FilterPanel({ filters, setFilters }: { filters: ContactFilters; setFilters: (f: ContactFilters) => void }) {
  const tags = useTags();
  const set = (patch: Partial<ContactFilters>) => setFilters({ ...filters, ...patch });
  const toggleIn = <T,>(list: T[] | undefined, v: T) => {
    const next = list?.includes(v) ? list.filter((x) => x !== v) : [...(list ?? []), v];
    return next.length ? next : undefined;
  };
  return (
    <div className="max-h-[65vh] space-y-4 overflow-y-auto">
      <fieldset>
        <legend className="label">Lifecycle stage</legend>
        <div className="grid grid-cols-2 gap-1">
          {LIFECYCLE_STAGES.map((s) => (
            <label key={s} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="accent-teal-700"
                checked={!!filters.stage?.includes(s)}
                onChange={() => set({ stage: toggleIn<LifecycleStage>(filters.stage, s) })}
              />
              {STAGE_LABELS[s]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend className="label">Tags</legend>
        <div className="flex max-h-32 flex-wrap gap-1 overflow-y-auto">
          {(tags.data ?? []).map((t) => (
            <label
              key={t.id}
              className="chip cursor-pointer border-line bg-raised text-ink has-[:checked]:border-brand has-[:checked]:bg-brand-soft"
            >
              <input
                type="checkbox"
                className="accent-teal-700"
                checked={!!filters.tags?.includes(t.id)}
                onChange={() => set({ tags: toggleIn(filters.tags, t.id) })}
              />
              {t.name}
            </label>
          ))}
          {tags.data?.length === 0 && <p className="text-sm text-muted">No tags yet.</p>}
        </div>
        {(filters.tags?.length ?? 0) > 1 && (
          <label className="mt-2 flex items-center gap-2 text-sm">
            Match
            <select
              className="input w-auto py-1"
              value={filters.tagMode ?? 'any'}
              onChange={(e) => set({ tagMode: e.target.value as 'any' | 'all' })}
            >
              <option value="any">any of these tags</option>
              <option value="all">all of these tags</option>
            </select>
          </label>
        )}
      </fieldset>
      <label className="flex items-center justify-between gap-2 text-sm">
        Status
        <select
          className="input w-32 py-1"
          value={filters.status ?? ''}
          onChange={(e) => set({ status: (e.target.value || undefined) as ContactStatus | undefined })}
        >
          <option value="">Any</option>
          {CONTACT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </label>
      {FEATURES.ai && <TriState label="AI consent" value={filters.aiConsent} onChange={(v) => set({ aiConsent: v })} />}
      <TriState label="Photo consent" value={filters.photoConsent} onChange={(v) => set({ photoConsent: v })} />
      <ConsentFilter label="Consent given for" value={filters.consent} onChange={(v) => set({ consent: v })} />
      <ConsentFilter label="No consent for" value={filters.noConsent} onChange={(v) => set({ noConsent: v })} />
      <label className="flex items-center justify-between gap-2 text-sm">
        No contact for at least
        <span className="flex items-center gap-1">
          <input
            type="number"
            min={1}
            className="input w-20 py-1"
            value={filters.noContactDays ?? ''}
            onChange={(e) => set({ noContactDays: e.target.value ? Math.max(1, Number(e.target.value)) : undefined })}
          />
          days
        </span>
      </label>
      <button
        type="button"
        className="btn-ghost w-full"
        onClick={() => setFilters({ ...DEFAULT_FILTERS, q: filters.q, sort: filters.sort, order: filters.order })}
      >
        Clear filters
      </button>
    </div>
  );
}

export function ContactsToolbar({
  filters,
  setFilters,
  view,
  setView,
  columnVisibility,
  setColumnVisibility,
  savedViews,
}: {
  filters: ContactFilters;
  setFilters: (f: ContactFilters) => void;
  view: ContactsView;
  setView: (v: ContactsView) => void;
  columnVisibility: ColumnVisibilityState;
  setColumnVisibility: (v: ColumnVisibilityState) => void;
  savedViews: React.ReactNode;
}) {
  const active = countActiveFilters(filters);
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2">
      <SearchBox value={filters.q ?? ''} onChange={(q) => setFilters({ ...filters, q: q || undefined })} />
      <Popover
        label={active > 0 ? `Filters, ${active} active` : 'Filters'}
        button={
          <>
            <Icon name="filter" /> Filters{active > 0 && <span className="rounded-full bg-brand px-1.5 text-xs text-white">{active}</span>}
          </>
        }
      >
        {() => <FilterPanel filters={filters} setFilters={setFilters} />}
      </Popover>
      <label className="flex items-center gap-1 text-sm">
        <span className="sr-only sm:not-sr-only">Sort</span>
        <select
          className="input w-auto py-2"
          aria-label="Sort by"
          value={filters.sort}
          onChange={(e) => setFilters({ ...filters, sort: e.target.value as ContactSort })}
        >
          {Object.entries(SORT_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="btn-secondary px-2"
        aria-label={filters.order === 'asc' ? 'Ascending order; switch to descending' : 'Descending order; switch to ascending'}
        onClick={() => setFilters({ ...filters, order: filters.order === 'asc' ? 'desc' : 'asc' })}
      >
        <Icon name={filters.order === 'asc' ? 'arrowUp' : 'arrowDown'} />
      </button>
      <div role="group" aria-label="View" className="flex rounded-lg border border-line">
        {(['table', 'cards'] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={view === v}
            className={`btn px-2.5 ${view === v ? 'bg-brand-soft text-ink' : 'text-muted'}`}
            onClick={() => setView(v)}
            aria-label={v === 'table' ? 'Table view' : 'Card view'}
          >
            <Icon name={v === 'table' ? 'list' : 'grid'} />
          </button>
        ))}
      </div>
      {view === 'table' && (
        <Popover
          label="Columns"
          button={
            <>
              <Icon name="columns" /> <span className="hidden sm:inline">Columns</span>
            </>
          }
          align="right"
        >
          {() => (
            <fieldset className="space-y-1">
              <legend className="label">Show columns</legend>
              {(Object.keys(COLUMN_LABELS) as ColumnId[]).map((id) => (
                <label key={id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="accent-teal-700"
                    checked={columnVisibility[id] !== false}
                    onChange={(e) => setColumnVisibility({ ...columnVisibility, [id]: e.target.checked })}
                  />
                  {COLUMN_LABELS[id]}
                </label>
              ))}
            </fieldset>
          )}
        </Popover>
      )}
      {savedViews}
    </div>
  );
}
