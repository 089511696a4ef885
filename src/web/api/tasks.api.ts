import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { OPEN_TASK_STATUSES } from '../../shared/domain';
import { api } from './api-client';
import type { TaskPriority, TaskStatus } from '../../shared/domain';
import type { Page } from '../../shared/api/page-query';
import type { Project } from '../../shared/api/projects';
import type { Task, TaskActivity, TaskDetail } from '../../shared/api/tasks';

export const projectsQuery = queryOptions({
  queryKey: ['projects'],
  queryFn: () => api.get<Page<Project>>('/api/projects', { limit: 200 }),
  select: (page) => page.items,
});
export const useProjects = () => useQuery(projectsQuery);

function useInvalidate(...keys: string[][]) {
  const qc = useQueryClient();
  return () => keys.forEach((queryKey) => void qc.invalidateQueries({ queryKey }));
}

export function useSaveProject() {
  const invalidate = useInvalidate(['projects'], ['tasks']);
  return useMutation({
    mutationFn: ({ id, ...input }: { id?: string; name?: string; color?: string; isArchived?: boolean; version?: number }) =>
      id ? api.patch<Project>(`/api/projects/${id}`, input) : api.post<Project>('/api/projects', input),
    onSettled: invalidate,
  });
}

export type TaskFilters = {
  status?: TaskStatus[];
  priority?: TaskPriority[];
  projectId?: string;
  contactId?: string;
  dueFrom?: string;
  dueTo?: string;
  parentTaskId?: string;
  topLevel?: boolean;
  sort?: 'position' | 'due' | 'created' | 'priority';
  order?: 'asc' | 'desc';
  limit?: number;
};

export const tasksQuery = (filters: TaskFilters) =>
  queryOptions({
    queryKey: ['tasks', 'list', filters],
    queryFn: ({ signal }) => api.get<Page<Task>>('/api/tasks', { limit: 200, ...filters }, signal),
    placeholderData: keepPreviousData,
  });
export const useTasks = (filters: TaskFilters, enabled = true) => useQuery({ ...tasksQuery(filters), enabled });

/** Open tasks already past their due time; "now" is rounded to the minute so prefetch and page share one cache entry. */
export function overdueFilters(): TaskFilters {
  return {
    status: [...OPEN_TASK_STATUSES],
    dueTo: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
    sort: 'due',
    order: 'asc',
    limit: 8,
  };
}

export const useTask = (id: string | undefined) =>
  useQuery({ queryKey: ['tasks', 'detail', id], queryFn: () => api.get<TaskDetail>(`/api/tasks/${id}`), enabled: !!id });
export const useTaskActivity = (id: string | undefined) =>
  useQuery({
    queryKey: ['tasks', 'activity', id],
    queryFn: () => api.get<Page<TaskActivity>>(`/api/tasks/${id}/activity`, { limit: 50 }),
    enabled: !!id,
  });

export type TaskInput = Partial<{
  title: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  dueAt: string | null;
  projectId: string | null;
  parentTaskId: string | null;
  contactIds: string[];
  /** The version the edit was made from: a stale one is refused (409) instead of overwriting. */
  version: number;
}>;

const afterTaskWrite = [['tasks'], ['projects'], ['dashboard'], ['contacts', 'detail']];

export function useCreateTask() {
  const invalidate = useInvalidate(...afterTaskWrite);
  return useMutation({
    mutationFn: (input: TaskInput & { title: string }) => api.post<TaskDetail>('/api/tasks', input),
    onSettled: invalidate,
  });
}

/** Optimistic: ticking a task off or changing its status shows at once in every loaded list. */
export function useUpdateTask() {
  const qc = useQueryClient();
  const mutationKey = ['tasks', 'update'];
  return useMutation({
    mutationKey,
    mutationFn: ({ id, ...input }: TaskInput & { id: string }) => api.patch<TaskDetail>(`/api/tasks/${id}`, input),
    onMutate: async ({ id, ...input }) => {
      await qc.cancelQueries({ queryKey: ['tasks'] });
      const snapshot = qc.getQueriesData<Page<Task>>({ queryKey: ['tasks', 'list'] });
      for (const [key, page] of snapshot) {
        if (page) qc.setQueryData<Page<Task>>(key, { ...page, items: page.items.map((t) => (t.id === id ? { ...t, ...input } : t)) });
      }
      return { snapshot };
    },
    onError: (_e, _i, context) => context?.snapshot.forEach(([key, page]) => qc.setQueryData(key, page)),
    // The answer is the whole task (contacts included), so the open dialog shows it without a refetch.
    onSuccess: (task) => {
      if (qc.isMutating({ mutationKey }) <= 1) qc.setQueryData(['tasks', 'detail', task.id], task);
    },
    // Refetch once the last of several quick edits lands, so an early refetch cannot undo a later tick.
    onSettled: () => {
      if (qc.isMutating({ mutationKey }) <= 1) afterTaskWrite.forEach((queryKey) => void qc.invalidateQueries({ queryKey }));
    },
  });
}

export function useDeleteTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/tasks/${id}`),
    // The deleted task's own detail and activity are not refetched (they would answer 404).
    onSettled: (_done, _err, id) => {
      for (const queryKey of afterTaskWrite) void qc.invalidateQueries({ queryKey, predicate: (q) => !q.queryKey.includes(id) });
    },
  });
}

type MoveInput = { id: string; beforeId?: string | null; afterId?: string | null; status?: TaskStatus };

/** Places a task before or after another; loaded lists reorder at once (optimistic). */
export function useMoveTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, status, ...anchor }: MoveInput) => {
      if (status) await api.patch<TaskDetail>(`/api/tasks/${id}`, { status });
      return api.post<TaskDetail>(`/api/tasks/${id}/move`, anchor);
    },
    onMutate: async ({ id, beforeId, afterId, status }) => {
      await qc.cancelQueries({ queryKey: ['tasks', 'list'] });
      const snapshot = qc.getQueriesData<Page<Task>>({ queryKey: ['tasks', 'list'] });
      for (const [key, page] of snapshot) {
        const moving = page?.items.find((t) => t.id === id);
        if (!page || !moving) continue;
        const rest = page.items.filter((t) => t.id !== id);
        const anchorIndex = rest.findIndex((t) => t.id === (beforeId ?? afterId));
        const at = anchorIndex < 0 ? (beforeId === null ? rest.length : 0) : beforeId ? anchorIndex : anchorIndex + 1;
        rest.splice(at, 0, status ? { ...moving, status } : moving);
        qc.setQueryData<Page<Task>>(key, { ...page, items: rest });
      }
      return { snapshot };
    },
    onError: (_e, _i, context) => context?.snapshot.forEach(([key, page]) => qc.setQueryData(key, page)),
    onSettled: () => afterTaskWrite.forEach((queryKey) => void qc.invalidateQueries({ queryKey })),
  });
}
