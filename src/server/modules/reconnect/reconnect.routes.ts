import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { listReconnectQuery, reconnectPageResponse } from '../../../shared/api/reconnect.js';

export function registerReconnectRoutes(app: App) {
  const { reconnect } = app.services;

  app.get(
    '/api/reconnect',
    { schema: { tags: ['reconnect'], querystring: listReconnectQuery, response: { 200: reconnectPageResponse } } },
    async (req, reply) => sendJsonText(reply, await reconnect.list(requireActor(req), req.query)),
  );
}
