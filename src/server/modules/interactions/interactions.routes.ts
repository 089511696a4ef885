import { sendCachedRead } from '../../platform/http/cached-read.js';
import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { sendVersioned, splitVersion } from '../../platform/http/versions.js';
import { staleWriteResponse } from '../../../shared/api/versions.js';
import {
  contactIdParams,
  createForContactsBody,
  createInteractionBody,
  interactionListResponse,
  interactionIdParams,
  interactionPageResponse,
  interactionResponse,
  listInteractionsQuery,
  updateInteractionBody,
} from '../../../shared/api/interactions.js';

const TAGS = ['interactions'];

// Answers are JSON text built by PostgreSQL; the response schemas document them in OpenAPI.
export function registerInteractionsRoutes(app: App) {
  const { interactions } = app.services;

  app.get(
    '/api/contacts/:id/interactions',
    { schema: { tags: TAGS, params: contactIdParams, querystring: listInteractionsQuery, response: { 200: interactionPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => interactions.listForContact(requireActor(req), req.params.id, req.query)),
  );

  app.get(
    '/api/interactions',
    { schema: { tags: TAGS, querystring: listInteractionsQuery, response: { 200: interactionPageResponse } } },
    async (req, reply) => sendJsonText(reply, await interactions.listRecent(requireActor(req), req.query)),
  );

  app.post(
    '/api/interactions',
    { schema: { tags: TAGS, body: createInteractionBody, response: { 201: interactionResponse } } },
    async (req, reply) => sendVersioned(reply, await interactions.create(requireActor(req), req.body), 201),
  );

  app.post(
    '/api/interactions/bulk',
    { schema: { tags: TAGS, body: createForContactsBody, response: { 201: interactionListResponse } } },
    async (req, reply) => sendJsonText(reply, await interactions.createForContacts(requireActor(req), req.body), 201),
  );

  app.patch(
    '/api/interactions/:id',
    {
      schema: {
        tags: TAGS,
        params: interactionIdParams,
        body: updateInteractionBody,
        response: { 200: interactionResponse, 409: staleWriteResponse(interactionResponse) },
      },
    },
    async (req, reply) => {
      const { input, expected } = splitVersion(req, req.body);
      return sendVersioned(reply, await interactions.update(requireActor(req), req.params.id, input, expected));
    },
  );

  app.post(
    '/api/interactions/:id/restore',
    { schema: { tags: TAGS, params: interactionIdParams, response: { 200: interactionResponse } } },
    async (req, reply) => sendVersioned(reply, await interactions.restore(requireActor(req), req.params.id)),
  );

  app.delete(
    '/api/interactions/:id',
    { schema: { tags: TAGS, params: interactionIdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await interactions.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
