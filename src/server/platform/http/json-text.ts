import type { FastifyReply } from 'fastify';

/**
 * Sends JSON text that PostgreSQL already built (or its cached bytes). Fastify passes a string or
 * Buffer with a JSON content type through untouched, so the page is neither parsed nor serialised
 * again in Node.
 */
export function sendJsonText(reply: FastifyReply, text: string | Buffer, status = 200) {
  return reply
    .status(status)
    .type('application/json; charset=utf-8')
    .send(text as never);
}
