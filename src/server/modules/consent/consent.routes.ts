import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  consentContactParams,
  consentHistoryQuery,
  consentHistoryResponse,
  consentPurposeParams,
  consentStatesResponse,
  putConsentBody,
} from '../../../shared/api/consents.js';

const TAGS = ['consents'];

// Answers are JSON text built by PostgreSQL; the response schemas document them in OpenAPI.
export function registerConsentRoutes(app: App) {
  const { consent } = app.services;

  app.get(
    '/api/contacts/:id/consents',
    { schema: { tags: TAGS, params: consentContactParams, response: { 200: consentStatesResponse } } },
    async (req, reply) => sendJsonText(reply, await consent.states(requireActor(req), req.params.id)),
  );

  app.get(
    '/api/contacts/:id/consents/history',
    { schema: { tags: TAGS, params: consentContactParams, querystring: consentHistoryQuery, response: { 200: consentHistoryResponse } } },
    async (req, reply) => sendJsonText(reply, await consent.history(requireActor(req), req.params.id, req.query)),
  );

  app.put(
    '/api/contacts/:id/consents/:purpose',
    { schema: { tags: TAGS, params: consentPurposeParams, body: putConsentBody, response: { 200: consentStatesResponse } } },
    async (req, reply) =>
      sendJsonText(reply, await consent.record(requireActor(req), req.params.id, { ...req.body, purpose: req.params.purpose })),
  );
}
