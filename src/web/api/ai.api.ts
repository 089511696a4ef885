import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './api-client';
import type { AiUsage } from '../../shared/api/ai';
import type { Insight } from '../../shared/api/insights';

const insightKey = (contactId: string) => ['insights', contactId];

/**
 * The stored insights of a contact, read only when the contact says some exist (`counts.insights`)
 * and it consents; null when they were erased meanwhile (404). Consent refusals stay errors.
 */
export function useInsight(contactId: string, enabled: boolean) {
  return useQuery({
    queryKey: insightKey(contactId),
    enabled,
    queryFn: ({ signal }) =>
      api.get<Insight>(`/api/ai/insights/${contactId}`, undefined, signal).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    retry: false,
  });
}

/** Generates the insights (or answers the cached ones when nothing changed). */
export function useGenerateInsight(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Insight>(`/api/ai/insights/${contactId}`),
    onSuccess: (insight) => {
      qc.setQueryData(insightKey(contactId), insight);
      void qc.invalidateQueries({ queryKey: ['contacts', 'detail', contactId] });
      void qc.invalidateQueries({ queryKey: ['ai-usage'] });
    },
  });
}

/** Model calls of the last 30 days against the budgets (settings). */
export const useAiUsage = () => useQuery({ queryKey: ['ai-usage'], queryFn: () => api.get<AiUsage>('/api/ai/usage') });
