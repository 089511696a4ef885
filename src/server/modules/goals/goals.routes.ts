import { sendCachedRead } from '../../platform/http/cached-read.js';
import { z } from 'zod';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendVersioned, splitVersion } from '../../platform/http/versions.js';
import { staleWriteResponse } from '../../../shared/api/versions.js';
import {
  contactIdParams,
  createGoalBody,
  goalIdParams,
  goalPageResponse,
  goalResponse,
  listGoalsQuery,
  updateGoalBody,
} from '../../../shared/api/goals.js';

const TAGS = ['goals'];

// Answers are JSON text built by PostgreSQL; the response schemas document them in OpenAPI.
export function registerGoalsRoutes(app: App) {
  const { goals } = app.services;

  app.get(
    '/api/contacts/:id/goals',
    { schema: { tags: TAGS, params: contactIdParams, querystring: listGoalsQuery, response: { 200: goalPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => goals.listForContact(requireActor(req), req.params.id, req.query)),
  );

  app.get('/api/goals', { schema: { tags: TAGS, querystring: listGoalsQuery, response: { 200: goalPageResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => goals.list(requireActor(req), req.query)),
  );

  app.post('/api/goals', { schema: { tags: TAGS, body: createGoalBody, response: { 201: goalResponse } } }, async (req, reply) =>
    sendVersioned(reply, await goals.create(requireActor(req), req.body), 201),
  );

  app.patch(
    '/api/goals/:id',
    {
      schema: {
        tags: TAGS,
        params: goalIdParams,
        body: updateGoalBody,
        response: { 200: goalResponse, 409: staleWriteResponse(goalResponse) },
      },
    },
    async (req, reply) => {
      const { input, expected } = splitVersion(req, req.body);
      return sendVersioned(reply, await goals.update(requireActor(req), req.params.id, input, expected));
    },
  );

  app.post(
    '/api/goals/:id/restore',
    { schema: { tags: TAGS, params: goalIdParams, response: { 200: goalResponse } } },
    async (req, reply) => sendVersioned(reply, await goals.restore(requireActor(req), req.params.id)),
  );

  app.delete('/api/goals/:id', { schema: { tags: TAGS, params: goalIdParams, response: { 204: z.null() } } }, async (req, reply) => {
    await goals.remove(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });
}
