import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { LifecycleStage } from './types';

export type TodayPerson = {
  contact: {
    id: string;
    name: string;
    photoUrl: string | null;
    lifecycleStage: LifecycleStage;
    lastContactAt: string | null;
    email: string | null;
    phone: string | null;
  };
  cadenceDays: number;
  daysSinceContact: number;
  overdueDays: number;
  timesCadence: number;
};
export type TodayTask = { id: string; title: string; status: string; priority: string; dueAt: string; projectId: string | null };
export type TodaySession = {
  id: string;
  title: string;
  location: string;
  startsAt: string;
  endsAt: string | null;
  isAllDay: boolean;
  day: 'today' | 'tomorrow';
  contact: { id: string; name: string; photoUrl: string | null; phone: string | null; email: string | null } | null;
};
export type Today = {
  timezone: string;
  date: string;
  sessions: TodaySession[];
  reconnect: {
    due: TodayPerson[];
    dueCount: number;
    never: TodayPerson[];
    neverCount: number;
    inactive: TodayPerson[];
    inactiveCount: number;
  };
  birthdays: { contactId: string; name: string; photoUrl: string | null; date: string; daysAway: number; age: number | null }[];
  tasks: { overdue: TodayTask[]; overdueCount: number; dueToday: TodayTask[]; dueTodayCount: number };
};

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
