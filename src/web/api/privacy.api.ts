import { useMutation, useQueryClient } from '@tanstack/react-query';
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
