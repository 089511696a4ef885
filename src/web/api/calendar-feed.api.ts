import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { FeedCreated, FeedStatus } from '../../shared/api/calendar';

const feedKey = ['calendar-feed'];

/** Whether the calendar feed is on and since when (its URL is shown only when made). */
export const useCalendarFeed = () =>
  useQuery({ queryKey: feedKey, queryFn: ({ signal }) => api.get<FeedStatus>('/api/calendar/feed', undefined, signal) });

/** Makes the feed, or replaces its secret URL (the old one stops working); answers the new URL. */
export function useRotateCalendarFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<FeedCreated>('/api/calendar/feed'),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: feedKey });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export function useRevokeCalendarFeed() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/api/calendar/feed'),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: feedKey });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}
