import { sendCachedRead } from '../../platform/http/cached-read.js';
import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendVersioned, splitVersion } from '../../platform/http/versions.js';
import { staleWriteResponse } from '../../../shared/api/versions.js';
import {
  createProjectBody,
  listProjectsQuery,
  projectDeletePreviewResponse,
  projectIdParams,
  projectPageResponse,
  projectResponse,
  updateProjectBody,
} from '../../../shared/api/projects.js';

const TAGS = ['projects'];

export function registerProjectsRoutes(app: App) {
  const { projects } = app.services;

  app.get(
    '/api/projects',
    { schema: { tags: TAGS, querystring: listProjectsQuery, response: { 200: projectPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => projects.list(requireActor(req), req.query)),
  );

  app.post('/api/projects', { schema: { tags: TAGS, body: createProjectBody, response: { 201: projectResponse } } }, async (req, reply) =>
    sendVersioned(reply, await projects.create(requireActor(req), req.body), 201),
  );

  app.get(
    '/api/projects/:id',
    { schema: { tags: TAGS, params: projectIdParams, response: { 200: projectResponse } } },
    async (req, reply) => sendVersioned(reply, await projects.get(requireActor(req), req.params.id)),
  );

  app.patch(
    '/api/projects/:id',
    {
      schema: {
        tags: TAGS,
        params: projectIdParams,
        body: updateProjectBody,
        response: { 200: projectResponse, 409: staleWriteResponse(projectResponse) },
      },
    },
    async (req, reply) => {
      const { input, expected } = splitVersion(req, req.body);
      return sendVersioned(reply, await projects.update(requireActor(req), req.params.id, input, expected));
    },
  );

  app.get(
    '/api/projects/:id/delete-preview',
    { schema: { tags: TAGS, params: projectIdParams, response: { 200: projectDeletePreviewResponse } } },
    async (req) => projects.deletePreview(requireActor(req), req.params.id),
  );

  app.delete('/api/projects/:id', { schema: { tags: TAGS, params: projectIdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await projects.remove(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });
}
