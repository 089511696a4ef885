import { useEffect, useRef, type ReactNode } from 'react';
import { useSearch } from 'wouter';

/** The link to one record of a contact page's tab (a citation): the tab, with `focus` naming the record. */
export const recordHref = (contactId: string, tab: 'timeline' | 'goals' | 'tasks', id: string) =>
  `/contacts/${contactId}?tab=${tab}&focus=${id}`;

/**
 * A list item for a record that a link can point at (`?focus=<id>`): the item named scrolls into
 * view, takes focus and is outlined, so a citation lands on what it cites.
 */
export function RecordItem({ id, className, children }: { id: string; className: string; children: ReactNode }) {
  const isFocused = new URLSearchParams(useSearch()).get('focus') === id;
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (!isFocused) return;
    ref.current?.scrollIntoView({ block: 'center' });
    ref.current?.focus();
  }, [isFocused]);
  return (
    <li
      ref={ref}
      id={`record-${id}`}
      tabIndex={isFocused ? -1 : undefined}
      aria-current={isFocused || undefined}
      className={`${className}${isFocused ? ' ring-2 ring-brand-strong' : ''}`}
    >
      {children}
    </li>
  );
}
