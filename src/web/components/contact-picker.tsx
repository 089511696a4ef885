import { useId, useState, type Ref } from 'react';
import { useContactSearch } from '../api/contacts.api';
import type { Contact } from '../../shared/api/contacts';
import { useDebounced } from '../lib/use-debounced';
import { Avatar } from './contact-bits';
import { Spinner } from './ui';

/**
 * Finds a contact through the server search (so it covers every contact, not a loaded page) and
 * hands it to onPick. A combobox: arrows move, Enter picks, Escape clears the search.
 */
export function ContactPicker({
  label,
  exclude = [],
  onPick,
  inputRef,
}: {
  label: string;
  exclude?: string[];
  onPick: (contact: Contact) => void;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const term = query.trim();
  const debounced = useDebounced(term, 180);
  const search = useContactSearch(debounced, 8);
  const id = useId();
  const listId = `${id}-results`;
  // Results of an earlier word stay cached for display smoothness; only the current word's may be picked.
  const isCurrent = !!search.data && !search.isPlaceholderData && debounced === term;
  const options = isCurrent && search.data ? search.data.items.filter((c) => !exclude.includes(c.id)) : [];
  const isOpen = term.length > 0;
  const safeActive = Math.min(active, Math.max(0, options.length - 1));
  const optionId = (c: Contact) => `${listId}-${c.id}`;

  const pick = (contact: Contact | undefined) => {
    if (!contact) return;
    onPick(contact);
    setQuery('');
    setActive(0);
  };

  return (
    <div className="relative">
      <label htmlFor={id} className="label">
        {label}
      </label>
      <div className="relative">
        <input
          id={id}
          ref={inputRef}
          role="combobox"
          aria-expanded={isOpen}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={isOpen && options[safeActive] ? optionId(options[safeActive]) : undefined}
          autoComplete="off"
          className="input"
          placeholder="Search by name or email"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && options.length) {
              e.preventDefault();
              setActive((safeActive + 1) % options.length);
            } else if (e.key === 'ArrowUp' && options.length) {
              e.preventDefault();
              setActive((safeActive - 1 + options.length) % options.length);
            } else if (e.key === 'Enter') {
              e.preventDefault();
              pick(options[safeActive]);
            } else if (e.key === 'Escape' && query) {
              // Inside a dialog, the first Escape clears the search rather than closing the dialog.
              e.preventDefault();
              e.stopPropagation();
              setQuery('');
            }
          }}
        />
        {isOpen && search.isFetching && (
          <span className="absolute right-3 top-1/2 -translate-y-1/2">
            <Spinner label="Searching contacts" />
          </span>
        )}
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label={`${label}: matching contacts`}
        hidden={!isOpen}
        className="absolute z-10 mt-1 max-h-64 w-full overflow-y-auto rounded-lg border border-line bg-surface p-1 shadow-lg"
      >
        {isOpen && !isCurrent && <li className="px-3 py-2 text-sm text-muted">Searching…</li>}
        {isOpen && isCurrent && options.length === 0 && (
          <li className="px-3 py-2 text-sm text-muted">No other contact matches “{term}”.</li>
        )}
        {options.map((c, i) => (
          <li
            key={c.id}
            id={optionId(c)}
            role="option"
            aria-selected={i === safeActive}
            // Keep focus in the input so the keyboard flow continues after a click.
            onMouseDown={(e) => e.preventDefault()}
            onMouseMove={() => setActive(i)}
            onClick={() => pick(c)}
            className={`flex cursor-pointer items-center gap-2 rounded-md px-3 py-2 text-sm ${i === safeActive ? 'bg-brand-soft text-ink' : ''}`}
          >
            <Avatar name={c.name} photoUrl={c.photoUrl} size={24} />
            <span className="min-w-0 flex-1 truncate">{c.name}</span>
            {c.emails[0] && <span className="truncate text-xs text-muted">{c.emails[0]}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
