import { useEffect, useSyncExternalStore } from 'react';
import { onlineManager, useQueryClient } from '@tanstack/react-query';

/**
 * Whether the server can be reached. A network failure (no answer at all) is "offline", never
 * "signed out": only a 401 signs the user out. Every answer from the server, whatever its status,
 * means it is reachable again.
 */
let isReachable = true;
const listeners = new Set<() => void>();

export function reportReachable(reachable: boolean) {
  if (reachable === isReachable) return;
  isReachable = reachable;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  const offOnline = onlineManager.subscribe(listener);
  return () => {
    listeners.delete(listener);
    offOnline();
  };
}

/** True while the browser is offline or the last request got no answer. */
export function useIsOffline(): boolean {
  return useSyncExternalStore(subscribe, () => !isReachable || !onlineManager.isOnline());
}

const PROBE_MS = 3_000;

/**
 * While offline, asks the server (a public, cheap route) every few seconds; once it answers,
 * every query is refreshed and paused writes go out, so the app recovers by itself.
 */
export function useReconnect() {
  const qc = useQueryClient();
  const isOffline = useIsOffline();
  useEffect(() => {
    if (!isOffline) return;
    const timer = setInterval(async () => {
      if (!onlineManager.isOnline()) return;
      try {
        await fetch('/api/auth/csrf', { credentials: 'same-origin', cache: 'no-store' });
        reportReachable(true);
        void qc.invalidateQueries();
        void qc.resumePausedMutations();
      } catch {
        /* still unreachable: try again on the next tick */
      }
    }, PROBE_MS);
    return () => clearInterval(timer);
  }, [isOffline, qc]);
}
