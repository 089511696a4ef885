import { sendCachedRead } from '../../platform/http/cached-read.js';
import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import {
  dismissBody,
  duplicatesQuery,
  duplicatesResponse,
  listMergesQuery,
  mergeBody,
  mergeIdParams,
  mergePageResponse,
  mergeResponse,
  undoResponse,
} from '../../../shared/api/duplicates.js';

const TAGS = ['duplicates'];

export function registerDuplicatesRoutes(app: App) {
  const { duplicates } = app.services;

  app.get(
    '/api/duplicates',
    { schema: { tags: TAGS, querystring: duplicatesQuery, response: { 200: duplicatesResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => duplicates.list(requireActor(req), req.query.limit)),
  );

  app.post('/api/duplicates/dismiss', { schema: { tags: TAGS, body: dismissBody, response: { 204: z.null() } } }, async (req, reply) => {
    await duplicates.dismiss(requireActor(req), req.body.contactIds);
    return reply.status(204).send(null);
  });

  app.post(
    '/api/contacts/merge',
    { config: { longStatements: true }, schema: { tags: TAGS, body: mergeBody, response: { 200: mergeResponse } } },
    async (req) => duplicates.merge(requireActor(req), req.body),
  );

  app.get(
    '/api/merges',
    { schema: { tags: TAGS, querystring: listMergesQuery, response: { 200: mergePageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => duplicates.history(requireActor(req), req.query)),
  );

  app.post(
    '/api/merges/:id/undo',
    {
      config: { errorStatuses: [409], longStatements: true },
      schema: { tags: TAGS, params: mergeIdParams, response: { 200: undoResponse } },
    },
    async (req) => duplicates.undo(requireActor(req), req.params.id),
  );
}
