import { sendCachedRead } from '../../platform/http/cached-read.js';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  listSuggestionsQuery,
  suggestionIdParams,
  suggestionPageResponse,
  suggestionResponse,
  suggestionRunResponse,
} from '../../../shared/api/suggestions.js';

const TAGS = ['suggestions'];

export function registerSuggestionsRoutes(app: App) {
  const { suggestions } = app.services;

  app.get(
    '/api/suggestions',
    { schema: { tags: TAGS, querystring: listSuggestionsQuery, response: { 200: suggestionPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => suggestions.list(requireActor(req), req.query)),
  );
  app.post('/api/suggestions/run', { schema: { tags: TAGS, response: { 200: suggestionRunResponse } } }, async (req) =>
    suggestions.run(requireActor(req).userId, req.log),
  );
  app.post(
    '/api/suggestions/:id/approve',
    { config: { errorStatuses: [409, 422] }, schema: { tags: TAGS, params: suggestionIdParams, response: { 200: suggestionResponse } } },
    async (req, reply) => sendJsonText(reply, await suggestions.approve(requireActor(req), req.params.id)),
  );
  app.post(
    '/api/suggestions/:id/reject',
    { config: { errorStatuses: [409] }, schema: { tags: TAGS, params: suggestionIdParams, response: { 200: suggestionResponse } } },
    async (req, reply) => sendJsonText(reply, await suggestions.reject(requireActor(req), req.params.id)),
  );
  app.post(
    '/api/suggestions/:id/undo',
    { config: { errorStatuses: [409] }, schema: { tags: TAGS, params: suggestionIdParams, response: { 200: suggestionResponse } } },
    async (req, reply) => sendJsonText(reply, await suggestions.undo(requireActor(req), req.params.id)),
  );
}
