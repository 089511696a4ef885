import { useEffect, useRef } from 'react';
import { APP_ROUTES } from './routes';

export type ShortcutHandlers = {
  openPalette: () => void;
  newContact: () => void;
  search: () => void;
  showHelp: () => void;
  openAssistant: () => void;
  go: (path: string) => void;
};

/** Keyboard shortcuts, listed in the help dialog; "g x" sequences come from the route table. */
export const SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'Ctrl K / ⌘ K', what: 'Open the command palette (find contacts and actions)' },
  { keys: '/', what: 'Search contacts' },
  { keys: 'n', what: 'New contact' },
  { keys: 'a', what: 'Open the assistant' },
  ...APP_ROUTES.filter((r) => r.nav?.shortcut).map((r) => ({ keys: r.nav!.shortcut!, what: `Go to ${r.nav!.label}` })),
  { keys: '?', what: 'Show these shortcuts' },
];

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useGlobalShortcuts(handlers: ShortcutHandlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    let pendingG = 0;
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        h.openPalette();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || isTyping(e.target)) return;
      // Single-key shortcuts stay quiet while a dialog is open.
      if (document.querySelector('dialog[open]')) return;
      if (pendingG && Date.now() - pendingG < 1500) {
        pendingG = 0;
        const route = APP_ROUTES.find((r) => r.nav?.shortcut === `g ${e.key.toLowerCase()}`);
        if (route) {
          e.preventDefault();
          h.go(route.path);
        }
        return;
      }
      switch (e.key) {
        case 'g':
          pendingG = Date.now();
          break;
        case 'n':
          e.preventDefault();
          h.newContact();
          break;
        case '/':
          e.preventDefault();
          h.search();
          break;
        case 'a':
          e.preventDefault();
          h.openAssistant();
          break;
        case '?':
          e.preventDefault();
          h.showHelp();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
