import type { App } from '../../app.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { requireActor } from '../../platform/http/security.js';
import { insightParams, insightResponse } from '../../../shared/api/insights.js';

const TAGS = ['ai'];

/** Contact insights: generate (or the cached ones when nothing changed), and read the stored ones. */
export function registerInsightsRoutes(app: App) {
  const { insights } = app.services;

  app.get(
    '/api/ai/insights/:contactId',
    { config: { errorStatuses: [409] }, schema: { tags: TAGS, params: insightParams, response: { 200: insightResponse } } },
    // Its `stale` flag compares fingerprints with the records, which change only through writes.
    async (req, reply) => sendCachedRead(req, reply, () => insights.get(requireActor(req), req.params.contactId)),
  );
  app.post(
    '/api/ai/insights/:contactId',
    {
      config: { errorStatuses: [409, 422, 429, 503] },
      schema: { tags: TAGS, params: insightParams, response: { 200: insightResponse } },
    },
    async (req, reply) => {
      // The model call stops when the client goes away before the answer.
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return insights.generate(requireActor(req), req.params.contactId, abort.signal);
    },
  );
}
