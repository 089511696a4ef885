import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Unsaved text survives tab switches, going back and reloads: each form with free text keeps its
 * values in localStorage under a key naming the record and the field (`interaction:new:<contact>`,
 * `contact:<id>:notes` …) until it is saved or discarded. While any draft differs from what is
 * saved, leaving the page asks first (the browser's own prompt on reload or close, a question on
 * in-app links).
 */
const PREFIX = 'mcrm.draft.';
const dirty = new Set<string>();

function read<T>(key: string): T | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw === null ? undefined : (JSON.parse(raw) as T);
  } catch {
    return undefined;
  }
}
function write(key: string, value: unknown) {
  try {
    if (value === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    /* storage full or unavailable: the draft lives only in memory */
  }
}

/** True while some form on the page holds text that is not saved. */
export const hasUnsavedEdits = () => dirty.size > 0;

/** Forgets every draft (sign-out: the next person on this browser sees none). */
export function clearAllDrafts() {
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(PREFIX)) localStorage.removeItem(key);
  } catch {
    /* nothing to clear */
  }
  dirty.clear();
}

export type Draft<T> = {
  value: T;
  set: (next: T | ((prev: T) => T)) => void;
  /** After a save or an explicit discard: the draft is removed and the form is clean again. */
  clear: (next?: T) => void;
  isDirty: boolean;
  /** True when the form opened with text kept from an earlier visit. */
  isRestored: boolean;
};

/** `saved` is what the record holds now; the draft is stored only while it differs from it. */
export function useDraft<T>(key: string, saved: T): Draft<T> {
  const savedRef = useRef(saved);
  const savedJson = JSON.stringify(saved);
  const [state, setState] = useState(() => {
    const stored = read<T>(key);
    return { value: stored ?? saved, isRestored: stored !== undefined && JSON.stringify(stored) !== savedJson };
  });
  const isDirty = JSON.stringify(state.value) !== JSON.stringify(savedRef.current);

  useEffect(() => {
    write(key, isDirty ? state.value : undefined);
    if (isDirty) dirty.add(key);
    else dirty.delete(key);
    return () => {
      dirty.delete(key);
    };
  }, [key, isDirty, state.value]);

  const set = useCallback((next: T | ((prev: T) => T)) => {
    setState((s) => ({ ...s, value: typeof next === 'function' ? (next as (prev: T) => T)(s.value) : next }));
  }, []);
  const clear = useCallback(
    (next?: T) => {
      if (next !== undefined) savedRef.current = next;
      write(key, undefined);
      dirty.delete(key);
      setState({ value: next ?? savedRef.current, isRestored: false });
    },
    [key],
  );
  return { value: state.value, set, clear, isDirty, isRestored: state.isRestored };
}

const LEAVE_QUESTION = 'You have unsaved changes. They are kept as a draft on this device. Leave this page anyway?';

/**
 * Installed once by the app: warns before a reload or close, and before an in-app link leaves
 * the current page, while any form holds unsaved text.
 */
export function installLeaveWarnings(): () => void {
  const onBeforeUnload = (e: BeforeUnloadEvent) => {
    if (!hasUnsavedEdits()) return;
    e.preventDefault();
    e.returnValue = '';
  };
  const onClick = (e: MouseEvent) => {
    if (!hasUnsavedEdits() || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link || link.target || link.origin !== window.location.origin || link.pathname === window.location.pathname) return;
    if (!window.confirm(LEAVE_QUESTION)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  document.addEventListener('click', onClick, true);
  return () => {
    window.removeEventListener('beforeunload', onBeforeUnload);
    document.removeEventListener('click', onClick, true);
  };
}
