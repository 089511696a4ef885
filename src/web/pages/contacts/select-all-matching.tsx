import { useState } from 'react';
import type { RowSelectionState } from '@tanstack/react-table';
import { api } from '../../api/api-client';
import type { ContactFilters } from '../../api/contacts.api';
import type { MatchingIds } from '../../../shared/api/contacts';
import { plural } from '../../lib/format';

/**
 * Once every loaded row is selected while more contacts match, offers the exact number behind the
 * filters ("Select all 312 matching"), fetching their ids in one request.
 */
export function SelectAllMatching({
  filters,
  total,
  loadedIds,
  selectedCount,
  setRowSelection,
}: {
  filters: ContactFilters;
  total: number | undefined;
  loadedIds: string[];
  selectedCount: number;
  setRowSelection: (s: RowSelectionState) => void;
}) {
  const [state, setState] = useState<'idle' | 'loading' | 'failed'>('idle');
  const [capped, setCapped] = useState<number | undefined>();
  if (total === undefined || total <= loadedIds.length || selectedCount === 0) return null;
  if (selectedCount > loadedIds.length || selectedCount === total) {
    return (
      <p className="mb-2 text-sm" role="status">
        {capped === undefined
          ? `All ${plural(selectedCount, 'matching contact')} selected.`
          : `${selectedCount.toLocaleString()} of ${plural(capped, 'matching contact')} selected: one action takes at most ${selectedCount.toLocaleString()}.`}
      </p>
    );
  }
  if (selectedCount < loadedIds.length) return null;
  const selectAll = async () => {
    setState('loading');
    try {
      const { sort: _s, order: _o, ...rest } = filters;
      const res = await api.get<MatchingIds>('/api/contacts/ids', rest);
      setRowSelection(Object.fromEntries(res.ids.map((id) => [id, true])));
      setCapped(res.total > res.ids.length ? res.total : undefined);
      setState('idle');
    } catch {
      setState('failed');
    }
  };
  return (
    <p className="mb-2 flex flex-wrap items-center gap-2 text-sm" role="status">
      All {plural(loadedIds.length, 'loaded contact')} selected.
      <button
        type="button"
        className="btn-ghost px-2 py-0.5 text-sm underline"
        disabled={state === 'loading'}
        onClick={() => void selectAll()}
      >
        Select all {total.toLocaleString()} matching
      </button>
      {state === 'failed' && <span className="text-danger">Could not select them; check the connection and try again.</span>}
    </p>
  );
}
