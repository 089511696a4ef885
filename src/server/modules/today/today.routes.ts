import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { snoozeBody, snoozeParams, snoozeResponse, todayResponse } from '../../../shared/api/today.js';

const TAGS = ['today'];

export function registerTodayRoutes(app: App) {
  const { today } = app.services;

  app.get('/api/today', { schema: { tags: TAGS, response: { 200: todayResponse } } }, async (req, reply) =>
    sendJsonText(reply, await today.today(requireActor(req))),
  );

  app.post(
    '/api/contacts/:id/snooze',
    { schema: { tags: TAGS, params: snoozeParams, body: snoozeBody, response: { 200: snoozeResponse } } },
    async (req) => today.snooze(requireActor(req), req.params.id, req.body.days),
  );
}
