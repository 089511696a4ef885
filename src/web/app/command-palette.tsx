import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { useContactSearch } from '../api/contacts.api';
import { useDocumentSearch } from '../api/documents.api';
import { Avatar } from '../components/contact-bits';
import { Icon, type IconName } from '../components/icons';
import { Spinner } from '../components/ui';
import { useDebounced } from '../lib/use-debounced';

export type PaletteAction = { id: string; label: string; icon: IconName; keywords?: string; run: () => void };
type Item = { id: string; label: string; hint?: string; icon?: IconName; photo?: { name: string; url: string | null }; run: () => void };

/**
 * Ctrl/Cmd+K: one box that finds contacts and documents (searched on the server, so it covers all of
 * them; a document opens the Documents tab of the first contact it names) and actions. Fully usable from the keyboard: arrows move, Enter runs, Escape closes.
 */
export function CommandPalette({
  open,
  onClose,
  actions,
  openContact,
}: {
  open: boolean;
  onClose: () => void;
  actions: PaletteAction[];
  openContact: (id: string) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const debounced = useDebounced(query, 180);
  const search = useContactSearch(open ? debounced : '', 8);
  const documentSearch = useDocumentSearch(open ? debounced : '', 5);
  const [, navigate] = useLocation();
  const listId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The first key typed after Ctrl+K must land in the box, whatever had focus before.
      dialog.querySelector('input')?.focus();
    }
    if (!open) {
      // Cleared on closing, not on opening: a reset that ran after the box took focus would wipe
      // the first keys typed into it (the input is focused as it mounts, before this effect runs).
      setQuery('');
      setActive(0);
      setEnterPending(false);
      if (dialog.open) dialog.close();
    }
  }, [open]);

  const items = useMemo<Item[]>(() => {
    const q = query.trim().toLowerCase();
    const matching = actions.filter((a) => !q || `${a.label} ${a.keywords ?? ''}`.toLowerCase().includes(q));
    const contacts: Item[] =
      q && search.data
        ? search.data.items.map((c) => ({
            id: `contact-${c.id}`,
            label: c.name,
            hint: c.emails[0] ?? 'Contact',
            photo: { name: c.name, url: c.photoUrl },
            run: () => openContact(c.id),
          }))
        : [];
    const documents: Item[] =
      q && documentSearch.data
        ? documentSearch.data.items
            .filter((d) => d.contacts.length > 0)
            .map((d) => ({
              id: `document-${d.id}`,
              label: d.title,
              hint: `Document · ${d.contacts.map((c) => c.name).join(', ')}`,
              icon: 'note' as const,
              run: () => navigate(`/contacts/${d.contacts[0]!.id}?tab=documents`),
            }))
        : [];
    return [...contacts, ...documents, ...matching.map((a) => ({ id: a.id, label: a.label, icon: a.icon, run: a.run }))];
  }, [actions, query, search.data, documentSearch.data, openContact, navigate]);

  const safeActive = Math.min(active, Math.max(0, items.length - 1));
  const run = (item: Item | undefined) => {
    if (!item) return;
    onClose();
    item.run();
  };
  // Enter pressed before the contacts for what was typed have arrived waits for them, then acts.
  const isSettled = !query.trim() || (debounced === query && !search.isFetching && !documentSearch.isFetching);
  const [isEnterPending, setEnterPending] = useState(false);
  useEffect(() => {
    if (!isEnterPending || !isSettled) return;
    setEnterPending(false);
    run(items[safeActive]);
  });

  return (
    <dialog
      ref={ref}
      onClose={onClose}
      onClick={(e) => e.target === ref.current && onClose()}
      aria-label="Command palette"
      className="mx-auto mt-[12vh] w-[calc(100%-2rem)] max-w-xl rounded-2xl border border-line bg-surface p-0 text-ink shadow-2xl backdrop:bg-black/50"
    >
      {open && (
        <div>
          <div className="flex items-center gap-2 border-b border-line px-4">
            <Icon name="search" className="text-muted" />
            <input
              autoFocus
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-autocomplete="list"
              aria-activedescendant={items[safeActive] ? `${listId}-${items[safeActive].id}` : undefined}
              aria-label="Search contacts and actions"
              placeholder="Search contacts or type a command…"
              className="h-12 w-full bg-transparent text-base outline-none placeholder:text-muted"
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
                setEnterPending(false);
              }}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  setActive((i) => (items.length ? (i + 1) % items.length : 0));
                } else if (e.key === 'ArrowUp') {
                  e.preventDefault();
                  setActive((i) => (items.length ? (i - 1 + items.length) % items.length : 0));
                } else if (e.key === 'Enter') {
                  e.preventDefault();
                  if (isSettled) run(items[safeActive]);
                  else setEnterPending(true);
                }
              }}
            />
            {search.isFetching && <Spinner label="Searching contacts" />}
          </div>
          <ul id={listId} role="listbox" aria-label="Results" className="max-h-[50vh] overflow-y-auto p-2">
            {items.length === 0 && (
              <li className="px-3 py-6 text-center text-sm text-muted">No matching contacts or actions. Try another word.</li>
            )}
            {items.map((item, i) => (
              <li
                key={item.id}
                id={`${listId}-${item.id}`}
                role="option"
                aria-selected={i === safeActive}
                onMouseMove={() => setActive(i)}
                onClick={() => run(item)}
                className={`flex cursor-pointer items-center gap-3 rounded-lg px-3 py-2 text-sm ${i === safeActive ? 'bg-brand-soft text-ink' : ''}`}
              >
                {item.photo ? (
                  <Avatar name={item.photo.name} photoUrl={item.photo.url} size={24} />
                ) : (
                  <Icon name={item.icon ?? 'chevronRight'} className="text-muted" />
                )}
                <span className="min-w-0 flex-1 truncate">{item.label}</span>
                {item.hint && <span className="truncate text-xs text-muted">{item.hint}</span>}
              </li>
            ))}
          </ul>
          <p className="border-t border-line px-4 py-2 text-xs text-muted">↑ ↓ to move · Enter to open · Esc to close</p>
        </div>
      )}
    </dialog>
  );
}
