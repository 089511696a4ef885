import {
  keepPreviousData,
  queryOptions,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from './api-client';
import { staleCurrent } from './stale-write';
import type { ConsentPurpose, ContactStatus, LifecycleStage } from '../../shared/domain';
import type { Contact, ContactDetail, ContactBody as ContactInput, DeletePreview } from '../../shared/api/contacts';
import type { Page } from '../../shared/api/page-query';

export type ContactSort = 'name' | 'lastContact' | 'created' | 'sentiment';
export type ContactFilters = {
  q?: string;
  sort: ContactSort;
  order: 'asc' | 'desc';
  tags?: string[];
  tagMode?: 'any' | 'all';
  stage?: LifecycleStage[];
  status?: ContactStatus;
  aiConsent?: boolean;
  photoConsent?: boolean;
  /** Consent given now for this purpose (the consent ledger), or not given. */
  consent?: ConsentPurpose;
  noConsent?: ConsentPurpose;
  noContactDays?: number;
  /** The people behind a figure of the Today view. */
  reconnect?: 'due' | 'never' | 'inactive';
};
export const CONTACT_PAGE_SIZE = 100;

export function useContactPages(filters: ContactFilters) {
  return useInfiniteQuery({
    queryKey: ['contacts', 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Contact>>('/api/contacts', { ...filters, limit: CONTACT_PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** The exact number of contacts matching the list's filters ("312 contacts"), beside the pages. */
export function useContactCount(filters: ContactFilters) {
  const { sort: _sort, order: _order, ...rest } = filters;
  return useQuery({
    queryKey: ['contacts', 'list', 'count', rest],
    queryFn: ({ signal }) => api.get<{ total: number }>('/api/contacts/count', rest, signal),
    placeholderData: keepPreviousData,
  });
}

export const contactQuery = (id: string) =>
  queryOptions({ queryKey: ['contacts', 'detail', id], queryFn: () => api.get<ContactDetail>(`/api/contacts/${id}`) });

export const useContact = (id: string) => useQuery(contactQuery(id));

/** Server-side search for the command palette and pickers. */
export function useContactSearch(q: string, limit = 8) {
  const term = q.trim();
  return useQuery({
    queryKey: ['contacts', 'search', term, limit],
    queryFn: ({ signal }) => api.get<Page<Contact>>('/api/contacts', { q: term, limit }, signal),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export function useCreateContact() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ContactInput & { name: string }) => api.post<ContactDetail>('/api/contacts', input),
    onSuccess: (contact) => {
      qc.setQueryData(contactQuery(contact.id).queryKey, contact);
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: ['tags'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
    },
  });
}

/** Optimistic: the detail page shows the change at once and rolls back if the server refuses. */
export function useUpdateContact(id: string) {
  const qc = useQueryClient();
  const key = contactQuery(id).queryKey;
  const mutationKey = ['contacts', 'update', id];
  return useMutation({
    mutationKey,
    mutationFn: (input: ContactInput) => api.patch<ContactDetail>(`/api/contacts/${id}`, input),
    onMutate: async (input) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<ContactDetail>(key);
      if (before) {
        const { tagIds: _tagIds, version: _version, ...fields } = input;
        qc.setQueryData<ContactDetail>(key, { ...before, ...fields });
      }
      return { before };
    },
    onError: (err, _input, context) => {
      // A stale write answers the contact as it is now: the page shows it (the form compares).
      const current = staleCurrent<ContactDetail>(err);
      if (current) qc.setQueryData(key, current);
      else if (context?.before) qc.setQueryData(key, context.before);
    },
    // With several quick edits in flight, an early answer would undo the later optimistic ones;
    // only the last answer (which includes every edit) replaces the cached contact.
    onSuccess: (contact) => {
      if (qc.isMutating({ mutationKey }) <= 1) qc.setQueryData(key, contact);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'search'] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'consents', id] });
      void qc.invalidateQueries({ queryKey: ['tags'] });
      void qc.invalidateQueries({ queryKey: ['dashboard'] });
      void qc.invalidateQueries({ queryKey: ['reconnect'] });
    },
  });
}

export const useDeletePreview = (id: string | undefined) =>
  useQuery({
    queryKey: ['contacts', 'delete-preview', id],
    queryFn: () => api.get<DeletePreview>(`/api/contacts/${id}/delete-preview`),
    enabled: !!id,
    staleTime: 0,
    gcTime: 0,
  });

export function useDeleteContact() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/contacts/${id}`),
    onSuccess: (_v, id) => {
      // The deleted contact's own queries go away rather than refetch into a 404.
      qc.removeQueries({ queryKey: contactQuery(id).queryKey });
      qc.removeQueries({ queryKey: ['contacts', 'delete-preview', id] });
      invalidateContactLists(qc);
    },
  });
}

export type BulkInput =
  | { action: 'tag' | 'untag'; ids: string[]; tagIds: string[] }
  | { action: 'set_stage'; ids: string[]; stage: LifecycleStage }
  | { action: 'delete'; ids: string[] };

export function useBulkContacts() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: BulkInput) => api.post<{ action: string; affected: string[]; notFound: string[] }>('/api/contacts/bulk', input),
    onSettled: (_r, _e, input) => {
      if (input.action === 'delete') for (const id of input.ids) qc.removeQueries({ queryKey: ['contacts', 'delete-preview', id] });
      invalidateContactLists(qc);
      void qc.invalidateQueries({ queryKey: ['contacts', 'detail'] });
    },
  });
}

/** Lists and summaries that include contacts; never the per-contact queries of deleted contacts. */
function invalidateContactLists(qc: QueryClient) {
  for (const queryKey of [['contacts', 'list'], ['contacts', 'search'], ['tags'], ['dashboard'], ['reconnect'], ['tasks']]) {
    void qc.invalidateQueries({ queryKey });
  }
}
