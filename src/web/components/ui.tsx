import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from 'react';
import { errorMessage } from '../api/api-client';
import { Icon } from './icons';

export function Spinner({ label = 'Loading', size = 16 }: { label?: string; size?: number }) {
  return (
    <span role="status" className="inline-flex items-center gap-2">
      <svg width={size} height={size} viewBox="0 0 24 24" className="animate-spin" aria-hidden="true">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <span className="sr-only">{label}</span>
    </span>
  );
}

/** A button that shows progress while its action runs and cannot be pressed twice. */
export function Busy({ isBusy, children, busyText }: { isBusy: boolean; children: ReactNode; busyText: string }) {
  return isBusy ? (
    <>
      <Spinner label={busyText} size={14} />
      <span aria-hidden="true">{busyText}</span>
    </>
  ) : (
    <>{children}</>
  );
}

export function ErrorNotice({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-danger/40 bg-danger-soft p-3 text-sm text-ink">
      <Icon name="alert" className="mt-0.5 shrink-0 text-danger" />
      <div className="min-w-0 flex-1">
        {title && <p className="font-semibold">{title}</p>}
        <p className="break-words">{errorMessage(error)}</p>
      </div>
      {onRetry && (
        <button type="button" className="btn-secondary py-1" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Field({
  label,
  error,
  hint,
  count,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  /** For long text: the limit is stated next to the field, with a live count. */
  count?: { length: number; max: number };
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const describedBy =
    [error ? `${id}-err` : '', hint ? `${id}-hint` : '', count ? `${id}-count` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p id={`${id}-hint`} className="mt-1 text-xs text-muted">
          {hint}
        </p>
      )}
      {count && (
        <p id={`${id}-count`} className={`mt-1 text-right text-xs tabular-nums ${count.length > count.max ? 'text-danger' : 'text-muted'}`}>
          {count.length.toLocaleString()} / {count.max.toLocaleString()} characters
        </p>
      )}
      {error && (
        <p id={`${id}-err`} className="mt-1 text-xs font-medium text-danger">
          {error}
        </p>
      )}
    </div>
  );
}

/** A Field holding one text input (a name, an email, a password): the common case, without the render prop. */
export function TextField({
  label,
  error,
  hint,
  value,
  onValue,
  ...input
}: {
  label: string;
  error?: string;
  hint?: string;
  value: string;
  onValue: (value: string) => void;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id' | 'className'>) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(p) => <input {...p} className="input" {...input} value={value} onChange={(e) => onValue(e.target.value)} />}
    </Field>
  );
}

/**
 * A modal built on the native <dialog>: the browser traps focus, closes on Escape and returns focus
 * to the element that opened it.
 */
export function Modal({
  open,
  onClose,
  title,
  children,
  wide,
  labelledBy,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  wide?: boolean;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // React's autoFocus fires before the dialog is shown; start forms at their first field instead.
      dialog.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy ?? titleId}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? 'max-w-3xl' : 'max-w-lg'} rounded-2xl border border-line bg-surface p-0 text-ink shadow-2xl backdrop:bg-black/50`}
    >
      {open && (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            <button type="button" className="btn-ghost -mr-2 -mt-1 p-1.5" onClick={onClose} aria-label="Close">
              <Icon name="close" />
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="card flex flex-col items-center gap-2 px-6 py-10 text-center">
      <p className="font-semibold">{title}</p>
      {children && <div className="max-w-md text-sm text-muted">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? 0 : Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value === null ? undefined : pct}
      aria-valuetext={value === null ? 'No target set' : `${pct}%`}
      className="h-2 w-full overflow-hidden rounded-full bg-raised"
    >
      <div className="h-full rounded-full bg-brand transition-[width] dark:bg-brand-strong" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function PageHeader({ title, children, subtitle }: { title: string; subtitle?: ReactNode; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h1 className="truncate text-2xl font-semibold tracking-tight">{title}</h1>
        {subtitle && <p className="mt-0.5 text-sm text-muted">{subtitle}</p>}
      </div>
      {children && <div className="flex flex-wrap items-center gap-2">{children}</div>}
    </div>
  );
}
