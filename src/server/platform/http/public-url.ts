import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';

/** An absolute URL of this server for `path`, as browsers reach it: PUBLIC_URL's origin when set, else the request's. */
export function publicUrlOf(req: FastifyRequest, config: Config, path: string): string {
  return `${config.publicUrl ? new URL(config.publicUrl).origin : `${req.protocol}://${req.host}`}${path}`;
}
