import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { taskIdParams } from '../../../shared/api/tasks.js';
import { delegateTaskBody, delegationIdParams, delegationResponse, updateDelegationBody } from '../../../shared/api/delegations.js';

const TAGS = ['delegation'];

export function registerDelegationRoutes(app: App) {
  const { delegation } = app.services;

  app.post(
    '/api/tasks/:id/delegate',
    {
      config: { errorStatuses: [422, 429, 503] },
      schema: { tags: TAGS, params: taskIdParams, body: delegateTaskBody, response: { 201: delegationResponse } },
    },
    async (req, reply) => sendJsonText(reply, await delegation.propose(requireActor(req), req.params.id, req.body), 201),
  );
  app.get(
    '/api/delegations/:id',
    { schema: { tags: TAGS, params: delegationIdParams, response: { 200: delegationResponse } } },
    async (req, reply) => sendJsonText(reply, await delegation.get(requireActor(req), req.params.id)),
  );
  app.patch(
    '/api/delegations/:id',
    {
      config: { errorStatuses: [409] },
      schema: { tags: TAGS, params: delegationIdParams, body: updateDelegationBody, response: { 200: delegationResponse } },
    },
    async (req, reply) => sendJsonText(reply, await delegation.update(requireActor(req), req.params.id, req.body)),
  );
  app.post(
    '/api/delegations/:id/approve',
    { config: { errorStatuses: [409, 422] }, schema: { tags: TAGS, params: delegationIdParams, response: { 200: delegationResponse } } },
    async (req, reply) => sendJsonText(reply, await delegation.approve(requireActor(req), req.params.id)),
  );
  app.post(
    '/api/delegations/:id/discard',
    { config: { errorStatuses: [409] }, schema: { tags: TAGS, params: delegationIdParams, response: { 200: delegationResponse } } },
    async (req, reply) => sendJsonText(reply, await delegation.discard(requireActor(req), req.params.id)),
  );
}
