import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { Today } from '../../shared/api/today';

export type { Today, TodayPerson, TodaySession, TodayTask } from '../../shared/api/today';

// Under 'dashboard': every write that refreshes the dashboard's figures refreshes Today too.
export const todayQuery = queryOptions({ queryKey: ['dashboard', 'today'], queryFn: () => api.get<Today>('/api/today') });
export const useToday = () => useQuery(todayQuery);

function useRefreshPractice() {
  const qc = useQueryClient();
  return () => {
    for (const queryKey of [['dashboard'], ['reconnect'], ['interactions'], ['contacts']]) void qc.invalidateQueries({ queryKey });
  };
}

/** One tap: a session (a meeting) with this person, now. */
export function useLogSession() {
  const onSettled = useRefreshPractice();
  return useMutation({
    mutationFn: (contactId: string) => api.post('/api/interactions', { contactId, type: 'meeting' }),
    onSettled,
  });
}

/** Keeps a person off the reconnect lists for `days` days. */
export function useSnooze() {
  const onSettled = useRefreshPractice();
  return useMutation({
    mutationFn: ({ contactId, days }: { contactId: string; days: number }) => api.post(`/api/contacts/${contactId}/snooze`, { days }),
    onSettled,
  });
}
