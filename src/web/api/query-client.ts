import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/**
 * Client errors (4xx) will not get better by retrying; 5xx get two more tries; a network failure
 * (no answer at all) is retried until the server answers, so the app recovers by itself.
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isNetworkError(error)) return true;
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}
export const isNetworkError = (error: unknown) => error instanceof ApiError && error.status === 0;
const retryDelay = (failureCount: number) => Math.min(1000 * 2 ** failureCount, 10_000);

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, gcTime: 5 * 60_000, retry: shouldRetry, retryDelay, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

/** Remembers that this browser has a session, so a signed-out visit never starts with a failing /me call. */
export const sessionHint = {
  key: 'mcrm.session',
  isSet(): boolean {
    try {
      return localStorage.getItem(this.key) === '1';
    } catch {
      return true;
    }
  },
  set() {
    try {
      localStorage.setItem(this.key, '1');
    } catch {
      /* storage unavailable: every visit asks the server */
    }
  },
  clear() {
    try {
      localStorage.removeItem(this.key);
    } catch {
      /* nothing to clear */
    }
  },
};
