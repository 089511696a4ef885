import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

const MAX_DEPTH = 64;

// Parsed JSON and query strings; not Buffers or streams (uploads), whose bytes are not text.
function isPlainContainer(value: object): boolean {
  return !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer) && typeof (value as { pipe?: unknown }).pipe !== 'function';
}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\0');
  // Deeper nesting than this, no schema accepts.
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || !isPlainContainer(value)) return false;
  if (Array.isArray(value)) return value.some((item) => hasNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\0') || hasNul(item, depth + 1));
}

/**
 * PostgreSQL text and jsonb cannot hold the NUL character: a "\u0000" in JSON or "%00" in a
 * query would otherwise fail deep in a query as a 500. Refused here once, for every route.
 */
export function registerInputGuards(app: FastifyInstance) {
  // A callback hook: this runs on every request, and an async one costs a promise each time.
  app.addHook('preValidation', (request, _reply, done) => {
    if (hasNul(request.body) || hasNul(request.query) || hasNul(request.params)) {
      return done(new AppError('bad_request', 'Text cannot contain the NUL character (\\u0000 or %00). Remove it and try again.'));
    }
    done();
  });
}
