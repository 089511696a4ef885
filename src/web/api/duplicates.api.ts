import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { Page } from '../../shared/api/page-query';
import type { DuplicateGroup, MergeBody, MergeRecord } from '../../shared/api/duplicates';

export const duplicatesQuery = queryOptions({
  queryKey: ['duplicates'],
  queryFn: () => api.get<{ items: DuplicateGroup[]; truncated: boolean }>('/api/duplicates'),
});
export const mergesQuery = queryOptions({
  queryKey: ['merges'],
  queryFn: () => api.get<Page<MergeRecord>>('/api/merges', { limit: 20 }),
});

export const useDuplicates = () => useQuery(duplicatesQuery);
export const useMerges = () => useQuery(mergesQuery);

/** Merges, undos and dismissals change contacts everywhere: every list and detail is read again. */
function useDuplicatesMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['duplicates'] });
      void qc.invalidateQueries({ queryKey: ['merges'] });
      void qc.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

export const useMerge = () =>
  useDuplicatesMutation((body: MergeBody) => api.post<{ mergeId: string; contactId: string }>('/api/contacts/merge', body));
export const useUndoMerge = () =>
  useDuplicatesMutation((mergeId: string) => api.post<{ mergeId: string; contactIds: string[] }>(`/api/merges/${mergeId}/undo`));
export const useDismiss = () =>
  useDuplicatesMutation((contactIds: [string, string]) => api.post<void>('/api/duplicates/dismiss', { contactIds }));
