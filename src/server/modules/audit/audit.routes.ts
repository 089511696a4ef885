import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { auditPageResponse, listAuditQuery } from '../../../shared/api/audit.js';

const TAGS = ['audit'];

export function registerAuditRoutes(app: App) {
  const { audit } = app.services;

  app.get('/api/audit', { schema: { tags: TAGS, querystring: listAuditQuery, response: { 200: auditPageResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => audit.list(requireActor(req), req.query)),
  );
}
