import { useCallback, useState } from 'react';
import type { ContactFilters } from '../../api/contacts.api';

export type ContactsView = 'table' | 'cards';
export type ColumnId = 'stage' | 'status' | 'tags' | 'email' | 'phone' | 'lastContact' | 'sentiment' | 'created';
export const COLUMN_LABELS: Record<ColumnId, string> = {
  stage: 'Stage',
  status: 'Status',
  tags: 'Tags',
  email: 'Email',
  phone: 'Phone',
  lastContact: 'Last contact',
  sentiment: 'Sentiment',
  created: 'Added',
};
export const DEFAULT_HIDDEN: Partial<Record<ColumnId, false>> = { phone: false, sentiment: false, created: false };
export const DEFAULT_FILTERS: ContactFilters = { sort: 'name', order: 'asc' };

export type SavedView = { id: string; name: string; filters: ContactFilters; columns: Record<string, boolean>; view: ContactsView };

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}
function write(key: string, value: unknown) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    /* storage full or blocked: the choice lasts until reload */
  }
}

/** A piece of state kept in localStorage, so the page opens the way it was left. */
export function usePersistentState<T>(key: string, initial: T): [T, (next: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => read(key, initial));
  const set = useCallback(
    (next: T | ((prev: T) => T)) =>
      setValue((prev) => {
        const resolved = typeof next === 'function' ? (next as (p: T) => T)(prev) : next;
        write(key, resolved);
        return resolved;
      }),
    [key],
  );
  return [value, set];
}

export const STORAGE = {
  filters: 'mcrm.contacts.filters',
  columns: 'mcrm.contacts.columns',
  view: 'mcrm.contacts.view',
  savedViews: 'mcrm.contacts.savedViews',
};

export function countActiveFilters(f: ContactFilters): number {
  return [
    f.tags?.length,
    f.stage?.length,
    f.status,
    f.aiConsent !== undefined,
    f.photoConsent !== undefined,
    f.consent,
    f.noConsent,
    f.noContactDays,
    f.reconnect,
  ].filter(Boolean).length;
}
