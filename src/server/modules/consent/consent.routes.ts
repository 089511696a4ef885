import { sendCachedRead } from '../../platform/http/cached-read.js';
import type { App } from '../../app.js';
import { LIMITS } from '../../platform/limits.js';
import { multipartRoutes, readOneFile } from '../../platform/http/multipart.js';
import { attachmentHeader, EVIDENCE_KINDS } from './evidence-file.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  consentContactParams,
  consentEvidenceBytes,
  consentEvidenceParams,
  consentEvidenceResponse,
  consentHistoryQuery,
  consentHistoryResponse,
  consentPurposeParams,
  consentStatesResponse,
  putConsentBody,
} from '../../../shared/api/consents.js';

const TAGS = ['consents'];

// Answers are JSON text built by PostgreSQL; the response schemas document them in OpenAPI.
export async function registerConsentRoutes(app: App) {
  const { consent } = app.services;

  await multipartRoutes(app, { fileBytes: LIMITS.consent.evidenceBytes }, (scope) => {
    scope.post(
      '/api/contacts/:id/consents/evidence',
      {
        schema: {
          tags: TAGS,
          description: `multipart/form-data with the file in the field "file": ${EVIDENCE_KINDS}, at most ${LIMITS.consent.evidenceBytes / 1024 / 1024} MB (the type is read from the content). Name it in PUT …/consents/:purpose as evidenceId.`,
          consumes: ['multipart/form-data'],
          params: consentContactParams,
          response: { 201: consentEvidenceResponse },
        },
      },
      async (req, reply) => {
        const file = await readOneFile(req, { field: 'file', maxBytes: LIMITS.consent.evidenceBytes, what: 'evidence file' });
        return sendJsonText(reply, await consent.uploadEvidence(requireActor(req), req.params.id, file), 201);
      },
    );
  });

  app.get(
    '/api/contacts/:id/consents/evidence/:evidenceId',
    {
      schema: {
        tags: TAGS,
        description: 'The evidence file as uploaded, as a download.',
        params: consentEvidenceParams,
        response: { 200: { description: 'The file', content: { 'application/octet-stream': { schema: consentEvidenceBytes } } } },
      },
    },
    async (req, reply) => {
      const file = await consent.evidence(requireActor(req), req.params.id, req.params.evidenceId);
      reply.header('content-disposition', attachmentHeader(file.filename)).header('x-content-type-options', 'nosniff');
      return reply.type(file.mimeType).send(file.data as never);
    },
  );

  app.get(
    '/api/contacts/:id/consents',
    { schema: { tags: TAGS, params: consentContactParams, response: { 200: consentStatesResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => consent.states(requireActor(req), req.params.id)),
  );

  app.get(
    '/api/contacts/:id/consents/history',
    { schema: { tags: TAGS, params: consentContactParams, querystring: consentHistoryQuery, response: { 200: consentHistoryResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => consent.history(requireActor(req), req.params.id, req.query)),
  );

  app.put(
    '/api/contacts/:id/consents/:purpose',
    { schema: { tags: TAGS, params: consentPurposeParams, body: putConsentBody, response: { 200: consentStatesResponse } } },
    async (req, reply) =>
      sendJsonText(reply, await consent.record(requireActor(req), req.params.id, { ...req.body, purpose: req.params.purpose })),
  );
}
