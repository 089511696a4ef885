import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { answerEarlyFromCache, probeOf, sendCachedRead } from '../../platform/http/cached-read.js';
import { contactEntryName } from './contacts.service.js';
import { sendVersioned, splitVersion } from '../../platform/http/versions.js';
import { staleWriteResponse } from '../../../shared/api/versions.js';
import {
  bulkBody,
  bulkResponse,
  contactDetailResponse,
  contactPageResponse,
  createContactBody,
  deletePreviewResponse,
  idParams,
  listContactsQuery,
  updateContactBody,
  matchingIdsResponse,
} from '../../../shared/api/contacts.js';

const TAGS = ['contacts'];

// List and detail answers are JSON text built by PostgreSQL; the response schemas still document
// them in the OpenAPI file, and fastify sends the pre-serialised text as it is.
export function registerContactsRoutes(app: App) {
  const { contacts } = app.services;

  app.get(
    '/api/contacts/count',
    { schema: { tags: TAGS, querystring: listContactsQuery, response: { 200: z.object({ total: z.number().int() }) } } },
    async (req, reply) => sendCachedRead(req, reply, () => contacts.count(requireActor(req), req.query)),
  );

  app.get(
    '/api/contacts/ids',
    { schema: { tags: TAGS, querystring: listContactsQuery, response: { 200: matchingIdsResponse } } },
    async (req) => contacts.matchingIds(requireActor(req), req.query),
  );

  app.get(
    '/api/contacts',
    { schema: { tags: TAGS, querystring: listContactsQuery, response: { 200: contactPageResponse } } },
    async (req, reply) => sendJsonText(reply, await contacts.list(requireActor(req), req.query)),
  );

  app.post(
    '/api/contacts',
    { schema: { tags: TAGS, body: createContactBody, response: { 201: contactDetailResponse } } },
    async (req, reply) => sendVersioned(reply, await contacts.create(requireActor(req), req.body), 201),
  );

  app.post(
    '/api/contacts/bulk',
    { config: { longStatements: true }, schema: { tags: TAGS, body: bulkBody, response: { 200: bulkResponse } } },
    async (req) => contacts.bulk(requireActor(req), req.body),
  );

  answerEarlyFromCache('/api/contacts/:id', {
    name: (req) => contactEntryName((req.params as { id: string }).id),
    send: (reply, bytes) => sendVersioned(reply, bytes),
  });
  app.get('/api/contacts/:id', { schema: { tags: TAGS, params: idParams, response: { 200: contactDetailResponse } } }, async (req, reply) =>
    sendVersioned(reply, await contacts.get(requireActor(req), req.params.id, probeOf(req, contactEntryName(req.params.id)))),
  );

  app.patch(
    '/api/contacts/:id',
    {
      schema: {
        tags: TAGS,
        params: idParams,
        body: updateContactBody,
        response: { 200: contactDetailResponse, 409: staleWriteResponse(contactDetailResponse) },
      },
    },
    async (req, reply) => {
      const { input, expected } = splitVersion(req, req.body);
      return sendVersioned(reply, await contacts.update(requireActor(req), req.params.id, input, expected));
    },
  );

  app.get(
    '/api/contacts/:id/delete-preview',
    { schema: { tags: TAGS, params: idParams, response: { 200: deletePreviewResponse } } },
    async (req) => contacts.deletePreview(requireActor(req), req.params.id),
  );

  app.delete(
    '/api/contacts/:id',
    { config: { longStatements: true }, schema: { tags: TAGS, params: idParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await contacts.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
