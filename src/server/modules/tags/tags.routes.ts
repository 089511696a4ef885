import { z } from 'zod';
import type { App } from '../../app.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { requireActor } from '../../platform/http/security.js';
import {
  createTagBody,
  listTagsQuery,
  mergeTagBody,
  tagIdParams,
  tagPageResponse,
  tagResponse,
  updateTagBody,
} from '../../../shared/api/tags.js';

const TAGS = ['tags'];

export function registerTagsRoutes(app: App) {
  const { tags } = app.services;

  app.get('/api/tags', { schema: { tags: TAGS, querystring: listTagsQuery, response: { 200: tagPageResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => tags.list(requireActor(req), req.query)),
  );
  app.post('/api/tags', { schema: { tags: TAGS, body: createTagBody, response: { 201: tagResponse } } }, async (req, reply) =>
    reply.status(201).send(await tags.create(requireActor(req), req.body)),
  );
  app.patch(
    '/api/tags/:id',
    { schema: { tags: TAGS, params: tagIdParams, body: updateTagBody, response: { 200: tagResponse } } },
    async (req) => tags.update(requireActor(req), req.params.id, req.body),
  );
  app.post(
    '/api/tags/:id/merge',
    { schema: { tags: TAGS, params: tagIdParams, body: mergeTagBody, response: { 200: tagResponse } } },
    async (req) => tags.merge(requireActor(req), req.params.id, req.body.intoTagId),
  );
  app.delete('/api/tags/:id', { schema: { tags: TAGS, params: tagIdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await tags.remove(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });
}
