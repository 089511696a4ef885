import { z } from 'zod';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import { sendCachedRead } from '../../platform/http/cached-read.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import { notFound } from '../../platform/errors.js';
import {
  createEventBody,
  createSubscriptionBody,
  eventResponse,
  feedCreatedResponse,
  feedStatusResponse,
  feedTokenParams,
  subscriptionListResponse,
  subscriptionParams,
  subscriptionResponse,
} from '../../../shared/api/calendar.js';

export function registerCalendarRoutes(app: App, config: Config) {
  const { calendar, calendarFeed, calendarSubscriptions } = app.services;
  const TAGS = ['calendar'];

  app.post(
    '/api/calendar/events',
    { schema: { tags: TAGS, body: createEventBody, response: { 201: eventResponse } } },
    async (req, reply) => sendJsonText(reply, await calendar.create(requireActor(req), req.body), 201),
  );

  app.get('/api/calendar/feed', { schema: { tags: TAGS, response: { 200: feedStatusResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => calendarFeed.status(requireActor(req))),
  );

  // Its answer holds the token, which is stored nowhere (so not as a kept Idempotency-Key answer either).
  app.post(
    '/api/calendar/feed',
    { config: { skipIdempotency: true }, schema: { tags: TAGS, response: { 201: feedCreatedResponse } } },
    async (req, reply) => {
      // The URL a calendar app will fetch: the configured public address, else the one this request used.
      const origin = config.publicUrl ? new URL(config.publicUrl).origin : `${req.protocol}://${req.host}`;
      return reply.status(201).send(await calendarFeed.rotate(requireActor(req), origin));
    },
  );

  app.delete('/api/calendar/feed', { schema: { tags: TAGS, response: { 204: z.null() } } }, async (req, reply) => {
    await calendarFeed.revoke(requireActor(req));
    return reply.status(204).send(null);
  });

  // Calendar subscriptions: ICS URLs fetched on a schedule through the SSRF-safe outbound client.
  app.get('/api/calendar/subscriptions', { schema: { tags: TAGS, response: { 200: subscriptionListResponse } } }, async (req, reply) =>
    sendCachedRead(req, reply, () => calendarSubscriptions.list(requireActor(req))),
  );

  app.post(
    '/api/calendar/subscriptions',
    {
      schema: {
        tags: TAGS,
        description:
          'Subscribes to an iCalendar URL (https://, http:// or webcal://): it is fetched at once and then every hour; each occurrence with a contact (organiser or attendee, with calendar consent) becomes a meeting. The answer says how the first fetch went.',
        body: createSubscriptionBody,
        response: { 201: subscriptionResponse },
      },
    },
    async (req, reply) => reply.status(201).send(await calendarSubscriptions.add(requireActor(req), req.body.url)),
  );

  app.post(
    '/api/calendar/subscriptions/:id/refresh',
    {
      schema: {
        tags: TAGS,
        description: 'Fetches the subscription now.',
        params: subscriptionParams,
        response: { 200: subscriptionResponse },
      },
    },
    async (req) => calendarSubscriptions.refresh(requireActor(req), req.params.id),
  );

  app.delete(
    '/api/calendar/subscriptions/:id',
    {
      schema: {
        tags: TAGS,
        description: 'Ends the subscription and removes the timeline entries it brought.',
        params: subscriptionParams,
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await calendarSubscriptions.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  // The feed itself: no session, the token in the path is the credential (calendar apps poll it).
  app.get(
    '/ics/:file',
    { config: { isPublic: true, errorStatuses: [404, 429] }, schema: { hide: true, params: feedTokenParams } },
    async (req, reply) => {
      const { file } = req.params;
      if (!file.endsWith('.ics')) throw notFound('Calendar feed');
      const body = await calendarFeed.render(file.slice(0, -'.ics'.length), req.ip);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .header('content-disposition', 'inline; filename="mindfulcrm.ics"')
        .send(body);
    },
  );
}
