import { lazy, Suspense, useState } from 'react';
import { Icon } from './icons';

// Loaded when first opened: the timeline form stays out of the first page's scripts.
const LogClassDialog = lazy(() => import('./log-class-dialog').then((m) => ({ default: m.LogClassDialog })));

export function LazyLogClassDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <LogClassDialog open onClose={onClose} />
    </Suspense>
  );
}

/** "Log a class": one entry for each person who came, from wherever a practitioner plans the day. */
export function LogClassButton() {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn-secondary" onClick={() => setOpen(true)}>
        <Icon name="users" /> Log a class
      </button>
      <LazyLogClassDialog open={isOpen} onClose={() => setOpen(false)} />
    </>
  );
}
