import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { classificationPageResponse, classifyRunResponse, listClassificationsQuery } from '../../../shared/api/ai-classify.js';

const TAGS = ['ai'];

/** Calendar event classification: run it now, and read what is stored. */
export function registerClassifyRoutes(app: App) {
  const { classifyEvents } = app.services;

  app.post(
    '/api/ai/classify/run',
    { config: { errorStatuses: [429, 503] }, schema: { tags: TAGS, response: { 200: classifyRunResponse } } },
    async (req, reply) => {
      // The model calls stop when the client goes away before the answer.
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return classifyEvents.run(requireActor(req).userId, abort.signal);
    },
  );
  app.get(
    '/api/ai/classifications',
    { schema: { tags: TAGS, querystring: listClassificationsQuery, response: { 200: classificationPageResponse } } },
    async (req, reply) => sendJsonText(reply, await classifyEvents.page(requireActor(req).userId, req.query)),
  );
}
