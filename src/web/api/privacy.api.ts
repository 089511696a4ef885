import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { ConsentPurpose } from '../../shared/domain';
import type { ConsentEvidence, ConsentHistory, ConsentStates, PutConsentBody } from '../../shared/api/consents';
import type { AuditPage } from '../../shared/api/audit';

const consentKey = (contactId: string) => ['contacts', 'consents', contactId];

/** The contact's current consent per purpose (the ledger's latest entries, expiry included). */
export const useConsentStates = (contactId: string) =>
  useQuery({
    queryKey: [...consentKey(contactId), 'states'],
    queryFn: ({ signal }) => api.get<ConsentStates>(`/api/contacts/${contactId}/consents`, undefined, signal),
  });

/** Every recorded decision, newest first, a page at a time. */
export function useConsentHistory(contactId: string) {
  return useInfiniteQuery({
    queryKey: [...consentKey(contactId), 'history'],
    queryFn: ({ pageParam, signal }) =>
      api.get<ConsentHistory>(`/api/contacts/${contactId}/consents/history`, { limit: 20, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useRecordConsent(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    // An evidence file is uploaded first; the entry then names it.
    mutationFn: async ({ purpose, file, ...body }: PutConsentBody & { purpose: ConsentPurpose; file?: File | null }) => {
      let evidenceId: string | null = null;
      if (file) {
        const form = new FormData();
        form.append('file', file);
        evidenceId = (await api.upload<ConsentEvidence>(`/api/contacts/${contactId}/consents/evidence`, form)).id;
      }
      return api.put<ConsentStates>(`/api/contacts/${contactId}/consents/${purpose}`, { ...body, evidenceId });
    },
    onSuccess: (states) => {
      qc.setQueryData([...consentKey(contactId), 'states'], states);
      void qc.invalidateQueries({ queryKey: [...consentKey(contactId), 'history'] });
      // The contact's consent flags and the list's consent filters follow the ledger.
      void qc.invalidateQueries({ queryKey: ['contacts', 'detail', contactId] });
      void qc.invalidateQueries({ queryKey: ['contacts', 'list'] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

/** The account's activity log, newest first; kind is an action or its prefix ('auth', 'consent'…). */
export function useAuditLog(kind: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['audit', kind ?? ''],
    queryFn: ({ pageParam, signal }) => api.get<AuditPage>('/api/audit', { kind, limit: 25, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
import { request } from './api-client';
import { sessionHint } from './query-client';
import { meQuery } from './auth.api';
import { clearAllDrafts } from '../lib/use-draft';
import type { DeleteAccountBody } from '../../shared/api/privacy-export';

/** The account export: a plain link, so the browser streams the ZIP to disk as it arrives. */
export const ACCOUNT_EXPORT_URL = '/api/export';
export const contactExportUrl = (contactId: string) => `/api/contacts/${contactId}/export`;

/** Deletes the account; this browser then forgets everything of it, as after signing out. */
export function useDeleteAccount() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: DeleteAccountBody) => request<void>('DELETE', '/api/account', { body: input }),
    onSuccess: () => {
      sessionHint.clear();
      localStorage.removeItem('mcrm.contacts.filters');
      clearAllDrafts();
      qc.clear();
      qc.setQueryData(meQuery.queryKey, null);
    },
  });
}
