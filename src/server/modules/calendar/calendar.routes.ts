import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { createEventBody, eventResponse } from '../../../shared/api/calendar.js';

export function registerCalendarRoutes(app: App) {
  const { calendar } = app.services;

  app.post(
    '/api/calendar/events',
    { schema: { tags: ['calendar'], body: createEventBody, response: { 201: eventResponse } } },
    async (req, reply) => sendJsonText(reply, await calendar.create(requireActor(req), req.body), 201),
  );
}
