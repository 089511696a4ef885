import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../api/api-client';
import { Icon } from '../components/icons';

type Toast = { id: number; kind: 'success' | 'error'; text: string; undo?: () => Promise<unknown> };
type Toaster = {
  success: (text: string) => void;
  error: (errOrText: unknown) => void;
  /** A done destructive action, named in `text`, with an Undo button for UNDO_MS. */
  undoable: (text: string, undo: () => Promise<unknown>, undone?: string) => void;
};

/** How long Undo stays on screen (the server keeps deleted rows restorable for much longer). */
export const UNDO_MS = 10_000;

const ToastContext = createContext<Toaster | null>(null);

export function useToast(): Toaster {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error('useToast outside ToastProvider');
  return ctx;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast['kind'], text: string, undo?: Toast['undo']) => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-3), { id, kind, text, undo }]);
      setTimeout(() => dismiss(id), undo ? UNDO_MS : kind === 'error' ? 9000 : 4000);
    },
    [dismiss],
  );
  const api = useMemo<Toaster>(() => {
    const toaster: Toaster = {
      success: (text) => push('success', text),
      error: (err) => push('error', typeof err === 'string' ? err : errorMessage(err)),
      undoable: (text, undo, undone = 'Undone.') =>
        push('success', text, () =>
          undo().then(
            () => toaster.success(undone),
            (err) => toaster.error(err),
          ),
        ),
    };
    return toaster;
  }, [push]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div
        className="pointer-events-none fixed inset-x-0 bottom-4 z-50 flex flex-col items-center gap-2 px-4 sm:items-end"
        aria-live="polite"
      >
        {toasts.map((t) => (
          <div
            key={t.id}
            role={t.kind === 'error' ? 'alert' : 'status'}
            data-testid={`toast-${t.kind}`}
            className={`pointer-events-auto flex w-full max-w-sm items-start gap-3 rounded-xl border p-3 text-sm shadow-lg ${
              t.kind === 'error' ? 'border-danger/40 bg-danger-soft text-ink' : 'border-line bg-surface text-ink'
            }`}
          >
            <Icon name={t.kind === 'error' ? 'alert' : 'check'} className={t.kind === 'error' ? 'text-danger' : 'text-brand-ink'} />
            <p className="min-w-0 flex-1 break-words">{t.text}</p>
            {t.undo && (
              <button
                type="button"
                className="rounded px-1 font-semibold text-brand-ink underline hover:text-ink"
                onClick={() => {
                  dismiss(t.id);
                  void t.undo?.();
                }}
              >
                Undo
              </button>
            )}
            <button
              type="button"
              className="rounded px-1 text-muted hover:text-ink"
              onClick={() => dismiss(t.id)}
              aria-label="Dismiss message"
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
