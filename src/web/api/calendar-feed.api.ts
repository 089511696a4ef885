import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { CalendarSubscription, FeedCreated, FeedStatus } from '../../shared/api/calendar';

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

const subscriptionsKey = ['calendar-subscriptions'];

/** Calendars (ICS URLs) the server fetches every hour, with how the last fetch went. */
export const useCalendarSubscriptions = () =>
  useQuery({
    queryKey: subscriptionsKey,
    queryFn: ({ signal }) => api.get<{ items: CalendarSubscription[] }>('/api/calendar/subscriptions', undefined, signal),
  });

/** Adds a URL; the server fetches it once before it answers. */
export function useAddCalendarSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (url: string) => api.post<CalendarSubscription>('/api/calendar/subscriptions', { url }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: subscriptionsKey });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

export function useRemoveCalendarSubscription() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/calendar/subscriptions/${id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: subscriptionsKey });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}
