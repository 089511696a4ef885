import { useEffect, useMemo, useRef } from 'react';
import { Link } from 'wouter';
import {
  columnVisibilityFeature,
  createColumnHelper,
  rowSelectionFeature,
  tableFeatures,
  useTable,
  type ColumnVisibilityState,
  type RowSelectionState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { ContactFilters, ContactSort } from '../../api/contacts.api';
import type { Contact } from '../../../shared/api/contacts';
import { Avatar, StageBadge, TagChip } from '../../components/contact-bits';
import { Icon } from '../../components/icons';
import { formatDate, formatRelative, humanize } from '../../lib/format';

const features = tableFeatures({ rowSelectionFeature, columnVisibilityFeature });
const helper = createColumnHelper<typeof features, Contact>();
const ROW_HEIGHT = 52;

// Widths in px; the name column also takes whatever space is left.
const WIDTHS: Record<string, number> = {
  select: 44,
  name: 260,
  stage: 170,
  status: 100,
  tags: 270,
  email: 220,
  phone: 150,
  lastContact: 140,
  sentiment: 110,
  created: 130,
};
const SORT_OF: Record<string, ContactSort | undefined> = {
  name: 'name',
  lastContact: 'lastContact',
  sentiment: 'sentiment',
  created: 'created',
};

const columns = helper.columns([
  helper.display({
    id: 'select',
    enableHiding: false,
    header: ({ table }) => (
      <input
        type="checkbox"
        aria-label="Select all loaded contacts"
        className="size-4 accent-teal-700"
        checked={table.getIsAllRowsSelected()}
        ref={(el) => {
          if (el) el.indeterminate = !table.getIsAllRowsSelected() && table.getIsSomeRowsSelected();
        }}
        onChange={table.getToggleAllRowsSelectedHandler()}
      />
    ),
    cell: ({ row }) => (
      <input
        type="checkbox"
        aria-label={`Select ${row.original.name}`}
        className="size-4 accent-teal-700"
        checked={row.getIsSelected()}
        onChange={row.getToggleSelectedHandler()}
      />
    ),
  }),
  helper.accessor('name', {
    id: 'name',
    header: 'Name',
    enableHiding: false,
    cell: ({ row }) => (
      <Link href={`/contacts/${row.original.id}`} className="flex min-w-0 items-center gap-3 rounded font-medium hover:underline">
        <Avatar name={row.original.name} photoUrl={row.original.photoUrl} size={32} />
        <span className="truncate">{row.original.name}</span>
      </Link>
    ),
  }),
  helper.accessor('lifecycleStage', { id: 'stage', header: 'Stage', cell: ({ getValue }) => <StageBadge stage={getValue()} /> }),
  helper.accessor('status', { id: 'status', header: 'Status', cell: ({ getValue }) => humanize(getValue()) }),
  helper.accessor('tags', {
    id: 'tags',
    header: 'Tags',
    cell: ({ getValue }) => (
      // Two chips that keep a readable width (never cut to a letter), then how many more.
      <span
        className="flex min-w-0 items-center gap-1"
        title={
          getValue()
            .map((t) => t.name)
            .join(', ') || undefined
        }
      >
        {getValue()
          .slice(0, 2)
          .map((t) => (
            <span key={t.id} className="max-w-[6.5rem] shrink-0">
              <TagChip tag={t} />
            </span>
          ))}
        {getValue().length > 2 && (
          <span className="shrink-0 text-xs text-muted" aria-label={`and ${getValue().length - 2} more`}>
            +{getValue().length - 2}
          </span>
        )}
      </span>
    ),
  }),
  helper.accessor((c) => c.emails[0] ?? '', {
    id: 'email',
    header: 'Email',
    cell: ({ getValue }) => <span className="truncate">{getValue()}</span>,
  }),
  helper.accessor((c) => c.phones[0] ?? '', {
    id: 'phone',
    header: 'Phone',
    cell: ({ getValue }) => <span className="truncate">{getValue()}</span>,
  }),
  helper.accessor('lastContactAt', { id: 'lastContact', header: 'Last contact', cell: ({ getValue }) => formatRelative(getValue()) }),
  helper.accessor('sentiment', { id: 'sentiment', header: 'Sentiment', cell: ({ getValue }) => (getValue() ? `${getValue()} / 5` : '—') }),
  helper.accessor('createdAt', { id: 'created', header: 'Added', cell: ({ getValue }) => formatDate(getValue()) }),
]);

export function ContactsTable({
  contacts,
  filters,
  onSort,
  rowSelection,
  onRowSelectionChange,
  columnVisibility,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  contacts: Contact[];
  filters: ContactFilters;
  onSort: (sort: ContactSort) => void;
  rowSelection: RowSelectionState;
  onRowSelectionChange: (updater: RowSelectionState | ((old: RowSelectionState) => RowSelectionState)) => void;
  columnVisibility: ColumnVisibilityState;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
}) {
  const table = useTable({
    features,
    columns,
    data: contacts,
    getRowId: (c) => c.id,
    state: { rowSelection, columnVisibility },
    onRowSelectionChange,
    enableRowRangeSelection: true,
  });
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rows[i]!.id,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;

  // Fetch the next keyset page while the reader is still ~30 rows away from the end.
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 30) fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const visibleColumns = table.getVisibleLeafColumns();
  const minWidth = useMemo(() => visibleColumns.reduce((sum, c) => sum + (WIDTHS[c.id] ?? 150), 0), [visibleColumns]);
  const cellStyle = (id: string) => (id === 'name' ? { flex: `1 0 ${WIDTHS[id]}px` } : { flex: `0 0 ${WIDTHS[id] ?? 150}px` });
  // The selection column stays in view when a narrow window scrolls the table sideways.
  const stickyClass = (id: string) => (id === 'select' ? 'sticky left-0 z-[1] bg-surface' : '');

  return (
    <div ref={scrollRef} className="card min-h-0 flex-1 overflow-auto" data-testid="contacts-scroller">
      <table className="grid w-full" style={{ minWidth }} aria-rowcount={rows.length + 1} aria-label="Contacts">
        <thead className="sticky top-0 z-10 grid border-b border-line bg-surface">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="flex w-full" aria-rowindex={1}>
              {group.headers.map((header) => {
                const sortKey = SORT_OF[header.column.id];
                const isSorted = sortKey && filters.sort === sortKey;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={`flex items-center px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-muted ${stickyClass(header.column.id)}`}
                    style={cellStyle(header.column.id)}
                    aria-sort={isSorted ? (filters.order === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    {sortKey ? (
                      <button
                        type="button"
                        className="inline-flex items-center gap-1 rounded uppercase hover:text-ink"
                        onClick={() => onSort(sortKey)}
                      >
                        <table.FlexRender header={header} />
                        {isSorted && <Icon name={filters.order === 'asc' ? 'arrowUp' : 'arrowDown'} size={12} />}
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="relative grid" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index]!;
            return (
              <tr
                key={row.id}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                aria-selected={row.getIsSelected()}
                className={`absolute flex w-full items-center border-b border-line/70 text-sm ${row.getIsSelected() ? 'bg-brand-soft/60' : 'hover:bg-raised'}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td
                    key={cell.id}
                    data-column={cell.column.id}
                    className={`flex min-w-0 items-center self-stretch px-3 ${stickyClass(cell.column.id)}`}
                    style={cellStyle(cell.column.id)}
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {isFetchingNextPage && (
        <p className="py-3 text-center text-sm text-muted" role="status">
          Loading more contacts…
        </p>
      )}
    </div>
  );
}
