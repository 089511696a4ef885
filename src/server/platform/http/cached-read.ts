import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LIMITS } from '../limits.js';
import type { Probe } from '../practice-cache.js';
import { sendJsonText } from './json-text.js';
import { requireActor } from './security.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The early lookup's miss (see registerEarlyCachedReads): the handler's read reuses its key. */
    cacheProbe?: { name: string; probe: Probe };
  }
}

/**
 * An entry is named by the method, the URL exactly as sent (path and query string), the clock's
 * minute and the variant: every page of a list is its own entry, and an answer that moves with time
 * (overdue days, expiries) is at most a minute behind the clock. The same URL always validates to
 * the same params and query, so the name can be known before validation.
 */
function entryName(req: FastifyRequest, variant: string): string {
  const minute = Math.floor(req.server.services.clock().getTime() / 60_000);
  return `route:${req.method} ${req.url}:${minute}:${variant}`;
}

/** How a route's answer is found and sent from the read cache before validation. */
type EarlyAnswer = {
  /** The entry's name, from the request as it came (before validation). */
  name: (req: FastifyRequest) => string;
  send: (reply: FastifyReply, bytes: Buffer) => unknown;
};
/** The GET routes whose answer, for a signed-in user, is one read-cache entry and nothing else. */
const earlyAnswers = new Map<string, EarlyAnswer>();
const routeKey = (req: FastifyRequest) => `${req.method} ${req.routeOptions.url}`;
const byUrl: EarlyAnswer = { name: (req) => entryName(req, ''), send: (reply, bytes) => sendJsonText(reply, bytes) };

/**
 * Declares that GET `route` answers a signed-in user with the entry `early.name` names, sent by
 * `early.send`, and depends on nothing else: the name must be one only a request that passed the
 * route's validation could have stored (an id compared as the exact text the route validated).
 */
export function answerEarlyFromCache(route: string, early: Partial<EarlyAnswer> = {}) {
  earlyAnswers.set(`GET ${route}`, { ...byUrl, ...early });
}

/**
 * Answers a signed-in read from the user's read cache (ARCHITECTURE.md §4): the JSON is computed at
 * most once per generation and served as ready bytes until the user's next write. Only a read whose
 * answer otherwise changes solely through writes that call `onChange` may use it; an error is not
 * cached. Once a route has answered this way, later requests find their bytes before validation.
 */
export async function sendCachedRead(req: FastifyRequest, reply: FastifyReply, compute: () => Promise<string | object>, variant?: string) {
  if (variant === undefined && req.method === 'GET' && !earlyAnswers.has(routeKey(req))) earlyAnswers.set(routeKey(req), byUrl);
  return sendJsonText(reply, await cachedRead(req, compute, variant));
}

/** The early lookup's probe of the entry `name`, for the read that follows its miss. */
export function probeOf(req: FastifyRequest, name: string): Probe | undefined {
  return req.cacheProbe?.name === name ? req.cacheProbe.probe : undefined;
}

/**
 * The cached bytes themselves (UTF-8 JSON), for an answer that wraps them with per-request parts.
 * `variant` names what else the answer depends on (the session, for the sessions page).
 */
export async function cachedRead(req: FastifyRequest, compute: () => Promise<string | object>, variant = ''): Promise<Buffer> {
  const actor = requireActor(req);
  const name = entryName(req, variant);
  const probed = probeOf(req, name);
  const bytes = await req.server.services.cache.read(
    actor.userId,
    name,
    LIMITS.cache.listTtlMs,
    async () => {
      const value = await compute();
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
    probed,
  );
  return bytes!;
}

/**
 * A cached read answered before validation: a GET of a route that answers with cached bytes alone,
 * by a signed-in user, whose entry this process holds for the URL. Most page reads are such hits,
 * and validating the query, the input guards and the handler cost more than sending the bytes. The
 * entry exists only because the same URL passed validation and the route's checks before, in the
 * user's current generation. Registered after the session check, which sets the actor.
 */
export function registerEarlyCachedReads(app: FastifyInstance) {
  app.addHook('onRequest', (request, reply, done) => {
    const actor = request.actor;
    const early = actor && request.method === 'GET' ? earlyAnswers.get(routeKey(request)) : undefined;
    if (!actor || !early) return done();
    const name = early.name(request);
    const settle = (probe: Probe | undefined) => {
      if (probe?.bytes) return void early.send(reply, probe.bytes);
      if (probe) request.cacheProbe = { name, probe };
      done();
    };
    const probed = request.server.services.cache.probe(actor.userId, name);
    if (probed instanceof Promise) probed.then(settle, () => done());
    else settle(probed);
  });
}
