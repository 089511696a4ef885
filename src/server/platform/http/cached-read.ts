import type { FastifyReply, FastifyRequest } from 'fastify';
import { LIMITS } from '../limits.js';
import { sendJsonText } from './json-text.js';
import { requireActor } from './security.js';

/**
 * Answers a signed-in read from the user's read cache (ARCHITECTURE.md §4): the JSON is computed at
 * most once per generation and served as ready bytes until the user's next write. The entry is named
 * by the route, its params, its validated query and the clock's minute: every page of a list is its
 * own entry, and an answer that moves with time (overdue days, expiries) is at most a minute behind
 * the clock. Only a read whose answer otherwise changes solely through writes that call `onChange`
 * may use it; an error is not cached.
 */
export async function sendCachedRead(req: FastifyRequest, reply: FastifyReply, compute: () => Promise<string | object>, variant?: string) {
  return sendJsonText(reply, await cachedRead(req, compute, variant));
}

/**
 * The cached bytes themselves (UTF-8 JSON), for an answer that wraps them with per-request parts.
 * `variant` names what else the answer depends on (the session, for the sessions page).
 */
export async function cachedRead(req: FastifyRequest, compute: () => Promise<string | object>, variant = ''): Promise<Buffer> {
  const actor = requireActor(req);
  const { cache, clock } = req.server.services;
  const minute = Math.floor(clock().getTime() / 60_000);
  const name = `route:${req.routeOptions.url}:${JSON.stringify(req.params ?? {})}:${JSON.stringify(req.query ?? {})}:${minute}:${variant}`;
  const bytes = await cache.read(actor.userId, name, LIMITS.cache.listTtlMs, async () => {
    const value = await compute();
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return bytes!;
}
