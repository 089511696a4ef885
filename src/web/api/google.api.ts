import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api-client';
import type { GoogleCalendars, GoogleConnection, SyncStatus } from '../../shared/api/google';

const connectionKey = ['google'];
const calendarsKey = ['google', 'calendars'];
const syncKey = ['sync'];

/** The Google connection (never its tokens). */
export const useGoogleConnection = () =>
  useQuery({ queryKey: connectionKey, queryFn: ({ signal }) => api.get<GoogleConnection>('/api/google', undefined, signal) });

/** Where the browser goes to connect: the server answers 302 to Google. */
export const googleConnectUrl = (calendar: boolean, gmail = false, drive = false) =>
  `/api/google/connect?calendar=${calendar}&gmail=${gmail}&drive=${drive}`;

export const useGoogleCalendars = (isEnabled: boolean) =>
  useQuery({
    queryKey: calendarsKey,
    enabled: isEnabled,
    queryFn: ({ signal }) => api.get<GoogleCalendars>('/api/google/calendars', undefined, signal),
  });

export function useSelectCalendars() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (calendarIds: string[]) => api.put<GoogleCalendars>('/api/google/calendars', { calendarIds }),
    onSuccess: (data) => {
      qc.setQueryData(calendarsKey, data);
      void qc.invalidateQueries({ queryKey: connectionKey });
    },
  });
}

export function useDisconnectGoogle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete('/api/google'),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: connectionKey });
      void qc.invalidateQueries({ queryKey: syncKey });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
}

/** The status of every sync; polls while one runs. */
export const useSyncStatus = (isEnabled: boolean) =>
  useQuery({
    queryKey: syncKey,
    enabled: isEnabled,
    queryFn: ({ signal }) => api.get<SyncStatus>('/api/sync', undefined, signal),
    refetchInterval: (q) => (q.state.data?.services.some((s) => s.status === 'running') ? 1000 : false),
  });

export function useSyncNow() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (service: SyncStatus['services'][number]['service']) => api.post<{ jobId: string }>(`/api/sync/${service}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: syncKey }),
  });
}
