import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { Page } from '../../shared/api/page-query';
import type { Tag } from '../../shared/api/tags';

export const tagsQuery = queryOptions({
  queryKey: ['tags'],
  queryFn: () => api.get<Page<Tag>>('/api/tags', { limit: 200 }),
  select: (page) => page.items,
});

export const useTags = () => useQuery(tagsQuery);

function useTagMutation<I, O>(fn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['tags'] });
      // Contacts embed their tags' names and colours.
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'detail'] });
    },
  });
}

export const useCreateTag = () => useTagMutation((input: { name: string; color?: string }) => api.post<Tag>('/api/tags', input));
export const useMergeTag = () =>
  useTagMutation(({ id, intoTagId }: { id: string; intoTagId: string }) => api.post<Tag>(`/api/tags/${id}/merge`, { intoTagId }));
export const useDeleteTag = () => useTagMutation((id: string) => api.delete(`/api/tags/${id}`));

/** Optimistic: a rename or a new colour shows at once in the tag list. */
export function useUpdateTag() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: { id: string; name?: string; color?: string }) => api.patch<Tag>(`/api/tags/${id}`, input),
    onMutate: async ({ id, ...input }) => {
      await qc.cancelQueries({ queryKey: ['tags'] });
      const before = qc.getQueryData<Page<Tag>>(['tags']);
      if (before)
        qc.setQueryData<Page<Tag>>(['tags'], { ...before, items: before.items.map((t) => (t.id === id ? { ...t, ...input } : t)) });
      return { before };
    },
    onError: (_e, _i, context) => {
      if (context?.before) qc.setQueryData(['tags'], context.before);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['tags'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'detail'] });
    },
  });
}
