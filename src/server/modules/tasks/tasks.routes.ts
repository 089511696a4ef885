import { sendCachedRead } from '../../platform/http/cached-read.js';
import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { sendVersioned, splitVersion } from '../../platform/http/versions.js';
import { staleWriteResponse } from '../../../shared/api/versions.js';
import {
  activityPageResponse,
  activityQuery,
  analyticsQuery,
  analyticsResponse,
  createTaskBody,
  listTasksQuery,
  moveTaskBody,
  taskDetailResponse,
  taskIdParams,
  taskPageResponse,
  updateTaskBody,
} from '../../../shared/api/tasks.js';

const TAGS = ['tasks'];

// Reads answer JSON text built by PostgreSQL; the response schemas document it in the OpenAPI file.
export function registerTasksRoutes(app: App) {
  const { tasks } = app.services;

  app.get('/api/tasks', { schema: { tags: TAGS, querystring: listTasksQuery, response: { 200: taskPageResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => tasks.list(requireActor(req), req.query)),
  );

  app.get(
    '/api/tasks/analytics',
    { schema: { tags: TAGS, querystring: analyticsQuery, response: { 200: analyticsResponse } } },
    async (req, reply) => sendJsonText(reply, await tasks.analytics(requireActor(req), req.query)),
  );

  app.post('/api/tasks', { schema: { tags: TAGS, body: createTaskBody, response: { 201: taskDetailResponse } } }, async (req, reply) =>
    sendVersioned(reply, await tasks.create(requireActor(req), req.body), 201),
  );

  app.get('/api/tasks/:id', { schema: { tags: TAGS, params: taskIdParams, response: { 200: taskDetailResponse } } }, async (req, reply) =>
    sendVersioned(reply, await tasks.get(requireActor(req), req.params.id)),
  );

  app.patch(
    '/api/tasks/:id',
    {
      schema: {
        tags: TAGS,
        params: taskIdParams,
        body: updateTaskBody,
        response: { 200: taskDetailResponse, 409: staleWriteResponse(taskDetailResponse) },
      },
    },
    async (req, reply) => {
      const { input, expected } = splitVersion(req, req.body);
      return sendVersioned(reply, await tasks.update(requireActor(req), req.params.id, input, 'user', expected));
    },
  );

  app.delete('/api/tasks/:id', { schema: { tags: TAGS, params: taskIdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await tasks.remove(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  app.post(
    '/api/tasks/:id/restore',
    { schema: { tags: TAGS, params: taskIdParams, response: { 200: taskDetailResponse } } },
    async (req, reply) => sendVersioned(reply, await tasks.restore(requireActor(req), req.params.id)),
  );

  app.post(
    '/api/tasks/:id/move',
    { schema: { tags: TAGS, params: taskIdParams, body: moveTaskBody, response: { 200: taskDetailResponse } } },
    async (req, reply) => sendVersioned(reply, await tasks.move(requireActor(req), req.params.id, req.body)),
  );

  app.get(
    '/api/tasks/:id/activity',
    { schema: { tags: TAGS, params: taskIdParams, querystring: activityQuery, response: { 200: activityPageResponse } } },
    async (req, reply) => sendJsonText(reply, await tasks.activity(requireActor(req), req.params.id, req.query)),
  );
}
