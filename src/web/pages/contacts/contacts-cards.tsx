import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { RowSelectionState } from '@tanstack/react-table';
import type { Contact } from '../../../shared/api/contacts';
import { Avatar, StageBadge, TagChip } from '../../components/contact-bits';
import { formatRelative } from '../../lib/format';

const CARD_MIN = 260;
const ROW_HEIGHT = 172;

/** The card view: the same pages as the table, virtualised by rows of cards that fit the width. */
export function ContactsCards({
  contacts,
  rowSelection,
  onToggle,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
}: {
  contacts: Contact[];
  rowSelection: RowSelectionState;
  onToggle: (id: string) => void;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [perRow, setPerRow] = useState(3);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setPerRow(Math.max(1, Math.floor((entry!.contentRect.width - 16) / CARD_MIN))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const rowCount = Math.ceil(contacts.length / perRow);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 3,
  });
  const items = virtualizer.getVirtualItems();
  const lastRow = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastRow >= rowCount - 6) fetchNextPage();
  }, [lastRow, rowCount, hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div ref={scrollRef} className="min-h-0 flex-1 overflow-auto" data-testid="contacts-scroller">
      <ul aria-label="Contacts" className="relative" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => (
          <li
            key={item.key}
            className="absolute inset-x-0 grid gap-3 p-1"
            style={{
              transform: `translateY(${item.start}px)`,
              height: ROW_HEIGHT,
              gridTemplateColumns: `repeat(${perRow}, minmax(0, 1fr))`,
            }}
          >
            {contacts.slice(item.index * perRow, item.index * perRow + perRow).map((c) => (
              <article
                key={c.id}
                className={`card flex flex-col gap-2 p-4 ${rowSelection[c.id] ? 'border-brand ring-1 ring-brand' : ''}`}
                aria-label={c.name}
              >
                <div className="flex items-start gap-3">
                  <Avatar name={c.name} photoUrl={c.photoUrl} size={40} />
                  <div className="min-w-0 flex-1">
                    <Link href={`/contacts/${c.id}`} className="block truncate font-semibold hover:underline">
                      {c.name}
                    </Link>
                    <p className="truncate text-sm text-muted">{c.emails[0] ?? c.phones[0] ?? 'No email or phone'}</p>
                  </div>
                  <input
                    type="checkbox"
                    className="mt-1 size-4 accent-teal-700"
                    aria-label={`Select ${c.name}`}
                    checked={!!rowSelection[c.id]}
                    onChange={() => onToggle(c.id)}
                  />
                </div>
                <div className="flex items-center justify-between gap-2">
                  <StageBadge stage={c.lifecycleStage} />
                  <span className="text-xs text-muted">Last contact {formatRelative(c.lastContactAt).toLowerCase()}</span>
                </div>
                <div className="flex min-w-0 gap-1 overflow-hidden">
                  {c.tags.slice(0, 3).map((t) => (
                    <TagChip key={t.id} tag={t} />
                  ))}
                </div>
              </article>
            ))}
          </li>
        ))}
      </ul>
      {isFetchingNextPage && (
        <p className="py-3 text-center text-sm text-muted" role="status">
          Loading more contacts…
        </p>
      )}
    </div>
  );
}
