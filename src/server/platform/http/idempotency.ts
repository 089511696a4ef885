import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, onSendHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { Claim } from '../../modules/idempotency/idempotency.repo.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_SHAPE = /^[\x21-\x7e]+$/;

export type IdempotencyStore = {
  claim(userId: string, key: string, requestHash: string): Promise<Claim>;
  complete(userId: string, key: string, answer: { statusCode: number; contentType: string | null; body: string }): Promise<void>;
  release(userId: string, key: string): Promise<void>;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when this request took an Idempotency-Key: its answer is kept for retries. */
    idempotencyKey?: string;
  }
}

/** The same key must come with the same request: route, path parameters and (parsed) body. */
export const requestHashOf = (route: string, params: unknown, body: unknown) =>
  createHash('sha256')
    .update(`${route}\n${JSON.stringify(params ?? {})}\n${JSON.stringify(body ?? null)}`)
    .digest('base64url');
const requestHash = (request: FastifyRequest) => requestHashOf(request.routeOptions.url ?? request.url, request.params, request.body);

/**
 * A signed-in POST with an `Idempotency-Key` header runs once: a retry with the same key and body
 * answers the first result (with `Idempotent-Replayed: true`) without writing again; the same key
 * with another body is refused (422); a retry while the first is still running waits (409,
 * Retry-After). 5xx answers are not kept, so a retry after a server failure runs again. Multipart
 * uploads are read by their handler, after this hook, so they are not covered; nor are routes with
 * `config: { skipIdempotency: true }`, whose answer carries a secret that must not be stored.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore) {
  const preHandler: preHandlerAsyncHookHandler = async (request, reply) => {
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined || !request.actor) return;
    if (String(request.headers['content-type'] ?? '').startsWith('multipart/')) return;
    const key = Array.isArray(header) ? header[0]! : header;
    if (key.length < 1 || key.length > LIMITS.idempotency.keyChars || !KEY_SHAPE.test(key)) {
      throw new AppError('bad_request', `The Idempotency-Key header must be 1 to ${LIMITS.idempotency.keyChars} visible characters.`);
    }
    const claim = await store.claim(request.actor.userId, key, requestHash(request));
    if (claim.state === 'claimed') {
      request.idempotencyKey = key;
      return;
    }
    if (claim.state === 'mismatch') {
      throw new AppError(
        'unprocessable',
        'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
      );
    }
    if (claim.state === 'in_progress') {
      throw new AppError('conflict', 'A request with this Idempotency-Key is still being processed. Retry in a moment.', undefined, 1);
    }
    reply.code(claim.statusCode).header('idempotent-replayed', 'true');
    if (claim.contentType) reply.header('content-type', claim.contentType);
    return reply.send(claim.body);
  };

  const onSend: onSendHookHandler<unknown> = async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (!key || !request.actor) return payload;
    request.idempotencyKey = undefined;
    const userId = request.actor.userId;
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (reply.statusCode >= 500 || body === undefined || body.length > LIMITS.idempotency.maxStoredBytes) {
      await store.release(userId, key);
    } else {
      const contentType = reply.getHeader('content-type');
      await store.complete(userId, key, { statusCode: reply.statusCode, contentType: contentType ? String(contentType) : null, body });
    }
    return payload;
  };

  // Only POST routes carry the hooks: the reads, most of the traffic, skip both.
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || route.config?.skipIdempotency) return;
    route.preHandler = [...hooksOf(route.preHandler), preHandler];
    route.onSend = [...hooksOf(route.onSend), onSend];
  });
}

const hooksOf = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]);
