import { lazy, Suspense, useState } from 'react';

// Loaded when first opened: the assistant stays out of the first page's scripts.
const AssistantDrawer = lazy(() => import('./assistant-drawer').then((m) => ({ default: m.AssistantDrawer })));

/** The assistant drawer, loaded on first use and kept mounted afterwards (closing hides it). */
export function LazyAssistantDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [wasOpened, setWasOpened] = useState(open);
  if (open && !wasOpened) setWasOpened(true);
  if (!wasOpened) return null;
  return (
    <Suspense fallback={null}>
      <AssistantDrawer open={open} onClose={onClose} />
    </Suspense>
  );
}
