import type { FastifyReply } from 'fastify';

/**
 * Sends JSON text that PostgreSQL already built. Fastify passes a string with a JSON content
 * type through untouched, so the page is neither parsed nor serialised again in Node.
 */
export function sendJsonText(reply: FastifyReply, text: string, status = 200) {
  return reply.status(status).type('application/json; charset=utf-8').send(text as never);
}
