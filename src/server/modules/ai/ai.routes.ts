import type { App } from '../../app.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { aiPromptPageResponse, aiUsageResponse, listAiPromptsQuery, sentimentRunResponse } from '../../../shared/api/ai.js';

const TAGS = ['ai'];

export function registerAiRoutes(app: App) {
  const { ai } = app.services;

  app.get('/api/ai/usage', { schema: { tags: TAGS, response: { 200: aiUsageResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => ai.usage(requireActor(req))),
  );
  app.get(
    '/api/ai/prompts',
    { schema: { tags: TAGS, querystring: listAiPromptsQuery, response: { 200: aiPromptPageResponse } } },
    async (req, reply) => sendJsonText(reply, await ai.prompts(requireActor(req), req.query)),
  );
  app.post(
    '/api/ai/sentiment/run',
    { config: { errorStatuses: [429, 503] }, schema: { tags: TAGS, response: { 200: sentimentRunResponse } } },
    async (req, reply) => {
      // The model calls stop when the client goes away before the answer.
      const abort = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      return ai.runSentiment(requireActor(req), abort.signal);
    },
  );
}
