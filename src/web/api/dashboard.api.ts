import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './api-client';
import type { DashboardStats } from '../../shared/api/dashboard';
import type { Page } from '../../shared/api/page-query';
import type { ReconnectItem } from '../../shared/api/reconnect';

export const dashboardQuery = queryOptions({
  queryKey: ['dashboard', 'stats'],
  queryFn: () => api.get<DashboardStats>('/api/dashboard/stats'),
});
export const reconnectQuery = queryOptions({
  queryKey: ['reconnect'],
  queryFn: () => api.get<Page<ReconnectItem>>('/api/reconnect', { limit: 8 }),
});

export const useDashboard = () => useQuery(dashboardQuery);
export const useReconnect = () => useQuery(reconnectQuery);
