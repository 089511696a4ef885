import { useCallback, useEffect, useMemo, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { ColumnVisibilityState, RowSelectionState } from '@tanstack/react-table';
import { useContactCount, useContactPages, type ContactFilters, type ContactSort } from '../../api/contacts.api';
import type { Contact } from '../../../shared/api/contacts';
import { Icon } from '../../components/icons';
import { QuickAddContact } from '../../components/quick-add-contact';
import { EmptyState, ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import { BulkBar } from './bulk-bar';
import { SelectAllMatching } from './select-all-matching';
import { ContactsCards } from './contacts-cards';
import { countActiveFilters, DEFAULT_FILTERS, DEFAULT_HIDDEN, STORAGE, usePersistentState, type ContactsView } from './contacts-state';
import { ContactsTable } from './contacts-table';
import { ContactsToolbar } from './contacts-toolbar';
import { exportUrl } from '../../api/imports.api';
import { SavedViews } from './saved-views';
import { TagManager } from './tag-manager';

const EMPTY: Contact[] = [];
const RECONNECT_LABELS = { due: 'to reconnect with', never: 'never contacted', inactive: 'inactive and due a hello' } as const;

export default function ContactsPage() {
  const [filters, setFilters] = usePersistentState<ContactFilters>(STORAGE.filters, DEFAULT_FILTERS);
  // Cards read better than a wide table on a phone; either way the choice is remembered.
  const [view, setView] = usePersistentState<ContactsView>(STORAGE.view, matchMedia('(max-width: 639px)').matches ? 'cards' : 'table');
  const [columnVisibility, setColumnVisibility] = usePersistentState<ColumnVisibilityState>(STORAGE.columns, DEFAULT_HIDDEN);
  const [rowSelection, setRowSelection] = useState<RowSelectionState>({});
  const [isAdding, setAdding] = useState(false);
  const search = useSearch();
  const [, navigate] = useLocation();
  const isManagingTags = new URLSearchParams(search).get('tags') === 'manage';

  // A link from the Today view (/contacts?reconnect=due) opens the list behind its figure.
  const linked = new URLSearchParams(search).get('reconnect');
  useEffect(() => {
    if (linked !== 'due' && linked !== 'never' && linked !== 'inactive') return;
    setFilters({ ...DEFAULT_FILTERS, reconnect: linked });
    setRowSelection({});
    navigate('/contacts', { replace: true });
  }, [linked, setFilters, navigate]);

  const pages = useContactPages(filters);
  const count = useContactCount(filters);
  const contacts = useMemo(() => pages.data?.pages.flatMap((p) => p.items) ?? EMPTY, [pages.data]);
  const selectedIds = Object.keys(rowSelection).filter((id) => rowSelection[id]);
  const loadedIds = useMemo(() => contacts.map((c) => c.id), [contacts]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);

  const changeFilters = (next: ContactFilters) => {
    setFilters(next);
    setRowSelection({});
  };
  const onSort = (sort: ContactSort) =>
    changeFilters({ ...filters, sort, order: filters.sort === sort && filters.order === 'asc' ? 'desc' : 'asc' });
  const isFiltered = !!filters.q || countActiveFilters(filters) > 0;
  const total = count.data?.total ?? (hasNextPage ? undefined : contacts.length);
  const loaded =
    total === undefined
      ? 'Counting…'
      : `${total.toLocaleString()} ${total === 1 ? 'contact' : 'contacts'}${isFiltered ? (total === 1 ? ' matches' : ' match') : ''}`;

  return (
    <div className="flex h-full min-h-[28rem] flex-col">
      <PageHeader title="Contacts" subtitle={pages.isPending ? 'Loading…' : loaded}>
        <button type="button" className="btn-secondary" onClick={() => navigate('/contacts?tags=manage')}>
          <Icon name="tag" /> Tags
        </button>
        <button type="button" className="btn-secondary" onClick={() => navigate('/import')}>
          Import
        </button>
        <a
          className="btn-secondary"
          href={exportUrl('csv', { filters, ids: selectedIds })}
          download
          title={selectedIds.length ? 'The selected contacts' : 'The contacts the list shows (search and filters)'}
        >
          Export CSV{selectedIds.length ? ` (${selectedIds.length})` : ''}
        </a>
        <a className="btn-secondary" href={exportUrl('vcf', { filters, ids: selectedIds })} download>
          Export vCard{selectedIds.length ? ` (${selectedIds.length})` : ''}
        </a>
        <button type="button" className="btn-primary" onClick={() => setAdding(true)}>
          <Icon name="plus" /> New contact
        </button>
      </PageHeader>
      <ContactsToolbar
        filters={filters}
        setFilters={changeFilters}
        view={view}
        setView={setView}
        columnVisibility={columnVisibility}
        setColumnVisibility={setColumnVisibility}
        savedViews={
          <SavedViews
            current={{ filters, columns: columnVisibility, view }}
            apply={(v) => {
              changeFilters(v.filters);
              setColumnVisibility(v.columns);
              setView(v.view);
            }}
          />
        }
      />
      {filters.reconnect && (
        <p className="mb-2 flex items-center gap-2 text-sm" role="status">
          Showing people {RECONNECT_LABELS[filters.reconnect]}.
          <button
            type="button"
            className="btn-ghost px-2 py-0.5 text-sm underline"
            onClick={() => changeFilters({ ...filters, reconnect: undefined })}
          >
            Show everyone
          </button>
        </p>
      )}
      <SelectAllMatching
        filters={filters}
        total={total}
        loadedIds={loadedIds}
        selectedCount={selectedIds.length}
        setRowSelection={setRowSelection}
      />
      {selectedIds.length > 0 && <BulkBar ids={selectedIds} onDone={() => setRowSelection({})} />}
      <ErrorNotice error={pages.error} title="Contacts could not be loaded" onRetry={() => void pages.refetch()} />
      {pages.isPending ? (
        <div className="flex justify-center py-16 text-muted">
          <Spinner label="Loading contacts" size={24} />
        </div>
      ) : contacts.length === 0 && !pages.error ? (
        isFiltered ? (
          <EmptyState
            title="No contacts match"
            action={
              <button
                type="button"
                className="btn-secondary"
                onClick={() => changeFilters({ ...DEFAULT_FILTERS, sort: filters.sort, order: filters.order })}
              >
                Clear search and filters
              </button>
            }
          >
            Try fewer words, another spelling, or clear the filters.
          </EmptyState>
        ) : (
          <EmptyState
            title="No contacts yet"
            action={
              <button type="button" className="btn-primary" onClick={() => setAdding(true)}>
                Add your first contact
              </button>
            }
          >
            Add the people you work with: clients, prospects and collaborators.
          </EmptyState>
        )
      ) : view === 'table' ? (
        <ContactsTable
          contacts={contacts}
          filters={filters}
          onSort={onSort}
          rowSelection={rowSelection}
          onRowSelectionChange={setRowSelection}
          columnVisibility={columnVisibility}
          hasNextPage={hasNextPage}
          isFetchingNextPage={isFetchingNextPage}
          fetchNextPage={loadMore}
        />
      ) : (
        <ContactsCards
          contacts={contacts}
          rowSelection={rowSelection}
          onToggle={(id) =>
            setRowSelection((s) => {
              const { [id]: wasSelected, ...rest } = s;
              return wasSelected ? rest : { ...rest, [id]: true };
            })
          }
          hasNextPage={hasNextPage}
          isFetchingNextPage={isFetchingNextPage}
          fetchNextPage={loadMore}
        />
      )}
      <QuickAddContact open={isAdding} onClose={() => setAdding(false)} />
      <TagManager open={isManagingTags} onClose={() => navigate('/contacts', { replace: true })} />
    </div>
  );
}
