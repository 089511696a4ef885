import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { answerEarlyFromCache, cachedRead, sendCachedRead } from '../../platform/http/cached-read.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { requireActor } from '../../platform/http/security.js';
import {
  clearSessionCookie,
  CSRF_COOKIE,
  readDeviceCookie,
  readSessionCookie,
  setDeviceCookie,
  setSessionCookie,
} from '../../platform/http/cookies.js';
import {
  changePasswordBody,
  csrfResponse,
  loginBody,
  meResponse,
  sessionIdParams,
  sessionPageResponse,
  signupBody,
  updateProfileBody,
  userResponse,
} from '../../../shared/api/auth.js';
import { deleteAccountBody } from '../../../shared/api/privacy-export.js';
import { presentUser } from './auth.service.js';

const TAGS = ['auth'];
const ME_START = Buffer.from('{"user":');
const meta = (req: FastifyRequest) => ({ userAgent: req.headers['user-agent'], ip: req.ip });

export function registerAuthRoutes(app: App, config: import('../../config.js').Config) {
  const { auth } = app.services;
  const csrfOf = (req: FastifyRequest) => req.cookies[CSRF_COOKIE] ?? '';
  const publicRoute = { isPublic: true } as const;

  app.get('/api/auth/csrf', { config: publicRoute, schema: { tags: TAGS, response: { 200: csrfResponse } } }, async (req) => ({
    csrfToken: csrfOf(req),
  }));

  app.post(
    '/api/auth/signup',
    { config: publicRoute, schema: { tags: TAGS, body: signupBody, response: { 201: meResponse } } },
    async (req, reply) => {
      const { user, token, deviceCookie } = await auth.signup(req.body, meta(req), readDeviceCookie(req, config));
      setSessionCookie(reply, config, token);
      setDeviceCookie(reply, config, deviceCookie);
      return reply.status(201).send({ user: presentUser(user), csrfToken: csrfOf(req) });
    },
  );

  app.post(
    '/api/auth/login',
    { config: publicRoute, schema: { tags: TAGS, body: loginBody, response: { 200: meResponse } } },
    async (req, reply) => {
      const { user, token, deviceCookie } = await auth.login(
        req.body,
        meta(req),
        readSessionCookie(req, config),
        readDeviceCookie(req, config),
      );
      setSessionCookie(reply, config, token);
      setDeviceCookie(reply, config, deviceCookie);
      return { user: presentUser(user), csrfToken: csrfOf(req) };
    },
  );

  app.post('/api/auth/logout', { config: publicRoute, schema: { tags: TAGS, response: { 204: z.null() } } }, async (req, reply) => {
    if (req.actor) await auth.logout(req.actor.userId, req.actor.sessionIdHash, req.ip);
    clearSessionCookie(reply, config);
    return reply.status(204).send(null);
  });

  app.post('/api/auth/logout-all', { schema: { tags: TAGS, response: { 204: z.null() } } }, async (req, reply) => {
    await auth.logoutEverywhere(requireActor(req).userId, req.ip);
    clearSessionCookie(reply, config);
    return reply.status(204).send(null);
  });

  app.delete(
    '/api/account',
    {
      schema: {
        tags: ['privacy'],
        description:
          'Deletes the account and all its data, and ends every session. Needs the password, or a sign-in of the last 5 minutes.',
        body: deleteAccountBody,
        response: { 204: z.null() },
      },
      config: { errorStatuses: [422, 429], longStatements: true },
    },
    async (req, reply) => {
      const userId = requireActor(req).userId;
      // A connected Google grant is revoked at Google once the account (and its tokens) is gone.
      const grant = await app.services.google.grantOf(userId);
      await auth.deleteAccount(userId, req.session, req.body, meta(req));
      await app.services.google.revoke(grant);
      clearSessionCookie(reply, config);
      return reply.status(204).send(null);
    },
  );

  // The user part comes from the read cache (every write to what it shows calls onChange); the
  // session's CSRF token is added per request.
  const sendMe = (reply: FastifyReply, user: Buffer) =>
    sendJsonText(reply, Buffer.concat([ME_START, user, Buffer.from(`,"csrfToken":${JSON.stringify(csrfOf(reply.request))}}`)]));
  answerEarlyFromCache('/api/auth/me', { send: sendMe });
  app.get('/api/auth/me', { schema: { tags: TAGS, response: { 200: meResponse } } }, async (req, reply) =>
    sendMe(reply, await cachedRead(req, async () => presentUser(await auth.getUser(requireActor(req).userId)))),
  );

  app.patch('/api/auth/me', { schema: { tags: TAGS, body: updateProfileBody, response: { 200: userResponse } } }, async (req) => {
    const actor = requireActor(req);
    const changesCountry = req.body.country !== undefined || req.body.timezone !== undefined;
    const before = changesCountry ? await auth.getUser(actor.userId) : undefined;
    const user = await auth.updateProfile(actor.userId, req.body);
    // Phones written without a country code are read with the account's country (or its time zone's):
    // their duplicate-detection keys follow it.
    if (before && (before.country !== user.country || (!user.country && before.timezone !== user.timezone))) {
      await app.services.contacts.renormalisePhones(actor);
    }
    return presentUser(user);
  });

  app.post('/api/auth/password', { schema: { tags: TAGS, body: changePasswordBody, response: { 204: z.null() } } }, async (req, reply) => {
    const { token } = await auth.changePassword(requireActor(req).userId, req.body, meta(req));
    setSessionCookie(reply, config, token);
    return reply.status(204).send(null);
  });

  // Which session is current differs per session: it is part of the cache entry's name.
  app.get('/api/auth/sessions', { schema: { tags: TAGS, response: { 200: sessionPageResponse } } }, async (req, reply) => {
    const actor = requireActor(req);
    return sendCachedRead(
      req,
      reply,
      async () => ({ items: await auth.listSessions(actor.userId, actor.sessionIdHash), nextCursor: null }),
      actor.sessionIdHash,
    );
  });

  app.delete(
    '/api/auth/sessions/:id',
    { schema: { tags: TAGS, params: sessionIdParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await auth.revokeSession(requireActor(req).userId, req.params.id);
      return reply.status(204).send(null);
    },
  );
}
