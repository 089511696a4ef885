import { sendCachedRead } from '../../platform/http/cached-read.js';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { listReconnectQuery, reconnectPageResponse } from '../../../shared/api/reconnect.js';

export function registerReconnectRoutes(app: App) {
  const { reconnect } = app.services;

  app.get(
    '/api/reconnect',
    { schema: { tags: ['reconnect'], querystring: listReconnectQuery, response: { 200: reconnectPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => reconnect.list(requireActor(req), req.query)),
  );
}
