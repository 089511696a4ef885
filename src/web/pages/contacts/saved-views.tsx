import { useState, type FormEvent } from 'react';
import type { ColumnVisibilityState } from '@tanstack/react-table';
import type { ContactFilters } from '../../api/contacts.api';
import { Icon } from '../../components/icons';
import { Popover } from '../../components/popover';
import { STORAGE, usePersistentState, type ContactsView, type SavedView } from './contacts-state';

/** Named combinations of search, filters, sort, columns and view, kept in this browser. */
export function SavedViews({
  current,
  apply,
}: {
  current: { filters: ContactFilters; columns: ColumnVisibilityState; view: ContactsView };
  apply: (v: SavedView) => void;
}) {
  const [views, setViews] = usePersistentState<SavedView[]>(STORAGE.savedViews, []);
  const [name, setName] = useState('');
  const save = (e: FormEvent, close: () => void) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    const view: SavedView = {
      id: crypto.randomUUID(),
      name: trimmed,
      filters: current.filters,
      columns: current.columns,
      view: current.view,
    };
    setViews((list) => [...list.filter((v) => v.name !== trimmed), view]);
    setName('');
    close();
  };
  return (
    <Popover
      label="Saved views"
      align="right"
      button={
        <>
          <Icon name="list" /> <span className="hidden sm:inline">Views</span>
        </>
      }
    >
      {(close) => (
        <div className="space-y-3">
          {views.length === 0 ? (
            <p className="text-sm text-muted">No saved views yet. Set up search, filters and columns, then save them here.</p>
          ) : (
            <ul className="space-y-1">
              {views.map((v) => (
                <li key={v.id} className="flex items-center gap-1">
                  <button
                    type="button"
                    className="btn-ghost flex-1 justify-start truncate"
                    onClick={() => {
                      apply(v);
                      close();
                    }}
                  >
                    {v.name}
                  </button>
                  <button
                    type="button"
                    className="btn-ghost p-1.5"
                    aria-label={`Delete view ${v.name}`}
                    onClick={() => setViews((list) => list.filter((x) => x.id !== v.id))}
                  >
                    <Icon name="trash" size={16} />
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form onSubmit={(e) => save(e, close)} className="flex gap-2 border-t border-line pt-3">
            <input
              className="input"
              placeholder="Name this view"
              aria-label="View name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <button type="submit" className="btn-primary" disabled={!name.trim()}>
              Save
            </button>
          </form>
        </div>
      )}
    </Popover>
  );
}
