import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../api/api-client';
import { Icon } from '../components/icons';

type Toast = { id: number; kind: 'success' | 'error'; text: string };
type Toaster = { success: (text: string) => void; error: (errOrText: unknown) => void };

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
    (kind: Toast['kind'], text: string) => {
      const id = next.current++;
      setToasts((list) => [...list.slice(-3), { id, kind, text }]);
      setTimeout(() => dismiss(id), kind === 'error' ? 9000 : 4000);
    },
    [dismiss],
  );
  const api = useMemo<Toaster>(
    () => ({
      success: (text) => push('success', text),
      error: (err) => push('error', typeof err === 'string' ? err : errorMessage(err)),
    }),
    [push],
  );
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
