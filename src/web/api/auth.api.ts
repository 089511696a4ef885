import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import { clearAllDrafts } from '../lib/use-draft';
import { sessionHint } from './query-client';
import type { AuthProviders, GooglePendingLink, Me, Session, User } from '../../shared/api/auth';
import type { Page } from '../../shared/api/page-query';

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => api.get<Me | null>('/api/auth/me'),
  staleTime: 5 * 60_000,
});

export function useMe() {
  return useQuery({ ...meQuery, enabled: sessionHint.isSet() });
}

function useAuthMutation<I>(path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: I) => api.post<Me>(path, input),
    onSuccess: (me) => {
      qc.clear();
      sessionHint.set();
      qc.setQueryData(meQuery.queryKey, me);
    },
  });
}

export const useSignIn = () => useAuthMutation<{ email: string; password: string }>('/api/auth/login');
export const useSignUp = () =>
  useAuthMutation<{ email: string; password: string; displayName?: string; timezone?: string }>('/api/auth/signup');

/** Whether "Sign in with Google" is offered (the server has a Google client). */
export const useAuthProviders = () =>
  useQuery({
    queryKey: ['auth-providers'],
    queryFn: () => api.get<AuthProviders>('/api/auth/providers'),
    staleTime: Number.POSITIVE_INFINITY,
  });

/** The account a Google sign-in in this browser waits for the password of. */
export const usePendingGoogleLink = () =>
  useQuery({ queryKey: ['google-link'], queryFn: () => api.get<GooglePendingLink>('/api/auth/google/link'), retry: false });
export const useConfirmGoogleLink = () => useAuthMutation<{ password: string }>('/api/auth/google/link');

export function useSignOut(everywhere = false) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>(everywhere ? '/api/auth/logout-all' : '/api/auth/logout'),
    onSuccess: () => {
      sessionHint.clear();
      // The next person on this browser starts with an unfiltered contact list.
      localStorage.removeItem('mcrm.contacts.filters');
      clearAllDrafts();
      qc.clear();
      qc.setQueryData(meQuery.queryKey, null);
    },
  });
}

export type ProfileInput = {
  displayName?: string;
  timezone?: string;
  settings?: Partial<User['settings']>;
};

/** Optimistic: the theme and names change on screen at once, and roll back if the server refuses. */
export function useUpdateProfile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ProfileInput) => api.patch<User>('/api/auth/me', input),
    onMutate: async (input) => {
      await qc.cancelQueries({ queryKey: meQuery.queryKey });
      const before = qc.getQueryData<Me>(meQuery.queryKey);
      if (before) {
        const settings = { ...before.user.settings, ...input.settings };
        qc.setQueryData<Me>(meQuery.queryKey, { ...before, user: { ...before.user, ...input, settings } });
      }
      return { before };
    },
    onError: (_err, _input, context) => {
      if (context?.before) qc.setQueryData(meQuery.queryKey, context.before);
    },
    onSuccess: (user) => {
      const before = qc.getQueryData<Me>(meQuery.queryKey);
      if (before) qc.setQueryData<Me>(meQuery.queryKey, { ...before, user });
    },
  });
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (input: { currentPassword: string; newPassword: string }) => api.post<void>('/api/auth/password', input),
  });
}

export function useSessions() {
  return useQuery({ queryKey: ['sessions'], queryFn: () => api.get<Page<Session>>('/api/auth/sessions') });
}

export function useRevokeSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/auth/sessions/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sessions'] }),
  });
}
