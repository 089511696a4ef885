import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { InteractionType } from '../../shared/domain';
import type { Goal } from '../../shared/api/goals';
import type { Interaction } from '../../shared/api/interactions';
import type { Page } from '../../shared/api/page-query';
import type { Photo } from '../../shared/api/photos';

/** After a practice write, everything that summarises it is stale. */
function useAfterWrite(contactId: string) {
  const qc = useQueryClient();
  return () => {
    for (const queryKey of [
      ['interactions'],
      ['goals'],
      ['photos', contactId],
      ['contacts', 'detail', contactId],
      ['contacts', 'list'],
      ['dashboard'],
      ['reconnect'],
      ['tasks'],
      ['insights', contactId],
    ]) {
      void qc.invalidateQueries({ queryKey });
    }
  };
}

export type RestoreKind = 'interactions' | 'goals' | 'tasks' | 'photos';

/** Undo of a delete: the server restores the row; every list that could show it is refreshed. */
export function useRestore() {
  const qc = useQueryClient();
  return (kind: RestoreKind, id: string) => api.post(`/api/${kind}/${id}/restore`).then(() => qc.invalidateQueries());
}

export function useTimeline(contactId: string) {
  return useInfiniteQuery({
    queryKey: ['interactions', 'contact', contactId],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Interaction>>(`/api/contacts/${contactId}/interactions`, { limit: 30, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export type InteractionInput = {
  type: InteractionType;
  subject?: string;
  content?: string;
  occurredAt?: string;
  sentiment?: number | null;
  /** A private note: never sent to AI. */
  private?: boolean;
};

export function useAddInteraction(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({
    mutationFn: (input: InteractionInput) => api.post<Interaction>('/api/interactions', { contactId, ...input }),
    onSettled,
  });
}
export function useUpdateInteraction(contactId: string) {
  const qc = useQueryClient();
  const afterWrite = useAfterWrite(contactId);
  return useMutation({
    mutationFn: ({ id, ...input }: Partial<InteractionInput> & { id: string; contactId?: string; version?: number }) =>
      api.patch<Interaction>(`/api/interactions/${id}`, input),
    onSettled: (_r, _e, input) => {
      afterWrite();
      // An entry moved to another contact changes that contact's counts and last contact too.
      if (input.contactId) void qc.invalidateQueries({ queryKey: ['contacts', 'detail', input.contactId] });
    },
  });
}
export function useDeleteInteraction(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/interactions/${id}`), onSettled });
}

export const useGoals = (contactId: string) =>
  useQuery({
    queryKey: ['goals', 'contact', contactId],
    queryFn: () => api.get<Page<Goal>>(`/api/contacts/${contactId}/goals`, { limit: 100 }),
  });

export type GoalInput = Partial<Omit<Goal, 'id' | 'contactId' | 'progress'>>;

export function useSaveGoal(contactId: string) {
  const qc = useQueryClient();
  const key = ['goals', 'contact', contactId];
  const onSettled = useAfterWrite(contactId);
  return useMutation({
    mutationFn: ({ id, ...input }: GoalInput & { id?: string }) =>
      id ? api.patch<Goal>(`/api/goals/${id}`, input) : api.post<Goal>('/api/goals', { contactId, ...input }),
    // Optimistic progress: the bar moves as soon as the value is saved.
    onMutate: async ({ id, ...input }) => {
      if (!id) return { before: undefined };
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Page<Goal>>(key);
      if (before) {
        qc.setQueryData<Page<Goal>>(key, {
          ...before,
          items: before.items.map((g) => {
            if (g.id !== id) return g;
            const next = { ...g, ...input };
            const progress = next.targetValue ? Math.max(0, Math.min(1, (next.currentValue ?? 0) / next.targetValue)) : next.progress;
            return { ...next, progress };
          }),
        });
      }
      return { before };
    },
    onError: (_e, _i, context) => {
      if (context?.before) qc.setQueryData(key, context.before);
    },
    onSettled,
  });
}
export function useDeleteGoal(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({ mutationFn: (id: string) => api.delete(`/api/goals/${id}`), onSettled });
}

export const usePhotos = (contactId: string) =>
  useQuery({
    queryKey: ['photos', contactId],
    queryFn: () => api.get<Page<Photo>>(`/api/contacts/${contactId}/photos`, { limit: 50 }),
  });

export function useUploadPhoto(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({
    /** `activate`: make the upload the contact's picture (otherwise it only joins the history). */
    mutationFn: ({ file, activate }: { file: File; activate: boolean }) => {
      const form = new FormData();
      form.append('file', file);
      return api.upload<Photo>(`/api/contacts/${contactId}/photos?activate=${activate}`, form);
    },
    onSettled,
  });
}
export function useActivatePhoto(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({ mutationFn: (photoId: string) => api.post(`/api/contacts/${contactId}/photos/${photoId}/activate`), onSettled });
}
export function useDeletePhoto(contactId: string) {
  const onSettled = useAfterWrite(contactId);
  return useMutation({ mutationFn: (photoId: string) => api.delete(`/api/photos/${photoId}`), onSettled });
}
