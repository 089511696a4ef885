import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { requireActor } from '../../platform/http/security.js';
import { sendProgressStream } from '../../platform/http/progress-stream.js';
import { LIMITS } from '../../platform/limits.js';
import { publicUrlOf } from '../../platform/http/public-url.js';
import {
  calendarsResponse,
  callbackQuery,
  connectionResponse,
  connectQuery,
  selectCalendarsBody,
  syncJobParams,
  syncServiceParams,
  syncStartedResponse,
  syncStatusResponse,
} from '../../../shared/api/google.js';

const CALLBACK_PATH = '/api/google/callback';
/** Where the browser lands after the callback (the web app's settings, which show the connection). */
const WEB_RETURN = '/settings';

export function registerGoogleRoutes(app: App, config: Config) {
  const { google, calendarSync, gmailSync, driveSync } = app.services;
  const byService = { gmail: gmailSync, drive: driveSync };
  const TAGS = ['google'];
  const redirectUri = (req: FastifyRequest) => publicUrlOf(req, config, CALLBACK_PATH);
  const redirect = { 302: z.null().meta({ description: 'Redirect (Location header)' }) };

  app.get(
    '/api/google/connect',
    {
      config: { errorStatuses: [503] },
      schema: {
        tags: TAGS,
        description:
          'Starts connecting Google: 302 to Google with a single-use state bound to this session and a PKCE challenge. calendar=true / gmail=true / drive=true also ask for the Calendar / Gmail / Drive read scope.',
        querystring: connectQuery,
        response: redirect,
      },
    },
    async (req, reply) => {
      const url = await google.start(
        requireActor(req),
        { calendar: req.query.calendar === 'true', gmail: req.query.gmail === 'true', drive: req.query.drive === 'true' },
        redirectUri(req),
      );
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { errorStatuses: [503] },
      schema: {
        tags: TAGS,
        description: "Google's redirect back: exchanges the code (PKCE), stores the tokens encrypted, then 302 to the web app.",
        querystring: callbackQuery,
        response: redirect,
      },
    },
    async (req, reply) => {
      const outcome = await google.callback(requireActor(req), req.query, redirectUri(req));
      return reply.header('cache-control', 'no-store').redirect(`${WEB_RETURN}?google=${outcome}`, 302);
    },
  );

  app.get(
    '/api/google',
    { schema: { tags: TAGS, description: 'The Google connection (never its tokens).', response: { 200: connectionResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => google.status(requireActor(req))),
  );

  app.delete(
    '/api/google',
    { schema: { tags: TAGS, description: 'Revokes the grant at Google and deletes the tokens.', response: { 204: z.null() } } },
    async (req, reply) => {
      await google.disconnect(requireActor(req));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/google/calendars',
    {
      config: { errorStatuses: [409, 503] },
      schema: {
        tags: TAGS,
        description: "The user's Google calendars; `selected` marks those synced.",
        response: { 200: calendarsResponse },
      },
    },
    async (req) => google.calendars(requireActor(req)),
  );

  app.put(
    '/api/google/calendars',
    {
      config: { errorStatuses: [409, 503] },
      schema: {
        tags: TAGS,
        description: 'Chooses the calendars to sync.',
        body: selectCalendarsBody,
        response: { 200: calendarsResponse },
      },
    },
    async (req) => google.selectCalendars(requireActor(req), req.body.calendarIds),
  );

  app.post(
    '/api/sync/:service',
    {
      config: { errorStatuses: [409] },
      schema: {
        tags: ['sync'],
        description: 'Starts a sync now; 202 with the job id.',
        params: syncServiceParams,
        response: { 202: syncStartedResponse },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const { service } = req.params;
      const jobId = service === 'calendar' ? await calendarSync.start(actor) : await byService[service].start(actor);
      return reply.status(202).send({ jobId });
    },
  );

  app.get(
    '/api/sync',
    {
      schema: {
        tags: ['sync'],
        description: 'Status of every sync: last success, last error, next run.',
        response: { 200: syncStatusResponse },
      },
    },
    async (req, reply) =>
      sendCachedRead(req, reply, async () => {
        const actor = requireActor(req);
        const calendar = await calendarSync.status(actor);
        return { services: [...calendar.services, await gmailSync.status(actor), await driveSync.status(actor)] };
      }),
  );

  app.get(
    '/api/sync/jobs/:id/events',
    {
      schema: {
        tags: ['sync'],
        description:
          'text/event-stream: "progress" events ({ events, pages, inserted, updated, removed }) while the sync runs, then one "done" event with the service status of GET /api/sync; an "error" event ({ message }) ends the stream if the job cannot be read any more.',
        params: syncJobParams,
        response: { 200: { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      const jobOf = async (id: string) =>
        (await gmailSync.job(actor, id)) ?? (await driveSync.job(actor, id)) ?? calendarSync.job(actor, id);
      await sendProgressStream(req, reply, {
        first: await jobOf(req.params.id),
        next: () => jobOf(req.params.id),
        progress: (job) => job.stats,
        done: (job) => job.status !== 'running',
        pollMs: LIMITS.google.progressPollMs,
      });
    },
  );
}
