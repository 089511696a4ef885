import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from './api-client';
import type { DocumentSummary } from '../../shared/api/documents';
import type { Page } from '../../shared/api/page-query';

/** A contact's documents (from Google Drive), newest first, a page at a time. */
export const useContactDocuments = (contactId: string) =>
  useInfiniteQuery({
    queryKey: ['documents', 'contact', contactId],
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<DocumentSummary>>(`/api/contacts/${contactId}/documents`, { limit: 20, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

/** The shortest search the server takes (LIMITS.drive.minSearchChars). */
const MIN_SEARCH_CHARS = 3;

/** Documents whose title or text holds every word of `q` (asked from MIN_SEARCH_CHARS characters). */
export function useDocumentSearch(q: string, limit = 5) {
  const term = q.trim();
  return useQuery({
    queryKey: ['documents', 'search', term, limit],
    queryFn: ({ signal }) => api.get<Page<DocumentSummary>>('/api/documents', { q: term, limit }, signal),
    enabled: term.length >= MIN_SEARCH_CHARS,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
