import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { dashboardStatsResponse } from '../../../shared/api/dashboard.js';

export function registerDashboardRoutes(app: App) {
  const { dashboard } = app.services;

  app.get('/api/dashboard/stats', { schema: { tags: ['dashboard'], response: { 200: dashboardStatsResponse } } }, async (req, reply) =>
    sendJsonText(reply, await dashboard.stats(requireActor(req))),
  );
}
