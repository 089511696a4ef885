import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { Suggestion, SuggestionPage, SuggestionRun } from '../../shared/api/suggestions';
import type { DelegateTaskInput, Delegation, UpdateDelegationInput } from '../../shared/api/delegations';

export const suggestionsQuery = queryOptions({
  queryKey: ['suggestions'],
  queryFn: () => api.get<SuggestionPage>('/api/suggestions', { limit: 100 }),
});
export const useSuggestions = () => useQuery(suggestionsQuery);
/** The pending count shown in the navigation: the inbox's own query, refreshed every few minutes. */
export const usePendingSuggestions = () => useQuery({ ...suggestionsQuery, select: (p) => p.pending, refetchInterval: 5 * 60_000 });

/** Approving acts through other modules (tasks, tags): their lists are read again too. */
function useSuggestionMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      for (const queryKey of [['suggestions'], ['tasks'], ['contacts'], ['today'], ['dashboard']]) void qc.invalidateQueries({ queryKey });
    },
  });
}

export const useRunSuggestions = () => useSuggestionMutation(() => api.post<SuggestionRun>('/api/suggestions/run'));
export const useApproveSuggestion = () => useSuggestionMutation((id: string) => api.post<Suggestion>(`/api/suggestions/${id}/approve`));
export const useRejectSuggestion = () => useSuggestionMutation((id: string) => api.post<Suggestion>(`/api/suggestions/${id}/reject`));
export const useUndoSuggestion = () => useSuggestionMutation((id: string) => api.post<Suggestion>(`/api/suggestions/${id}/undo`));

function useDelegationMutation<I>(fn: (input: I) => Promise<Delegation>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (d) => qc.setQueryData(['delegations', d.id], d),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['tasks'] }),
  });
}

export const useDelegate = () =>
  useDelegationMutation(({ taskId, ...body }: DelegateTaskInput & { taskId: string }) =>
    api.post<Delegation>(`/api/tasks/${taskId}/delegate`, body),
  );
export const useUpdateDelegation = () =>
  useDelegationMutation(({ id, ...body }: UpdateDelegationInput & { id: string }) => api.patch<Delegation>(`/api/delegations/${id}`, body));
export const useApproveDelegation = () => useDelegationMutation((id: string) => api.post<Delegation>(`/api/delegations/${id}/approve`));
export const useDiscardDelegation = () => useDelegationMutation((id: string) => api.post<Delegation>(`/api/delegations/${id}/discard`));
