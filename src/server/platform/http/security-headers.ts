import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';

/**
 * The security headers helmet would set, computed once at start: they are the same for every
 * response (no CSP nonces), and building them per request cost as much as a cached page read.
 * No page may frame ours (clickjacking); upgrade-insecure-requests only when served over https,
 * since on plain http to a LAN address it would make the browser ask for https and load nothing.
 */
export function securityHeaders(isHttps: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader() {},
  } as unknown as ServerResponse;
  let failure: unknown;
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: isHttps ? [] : null,
      },
    },
    xFrameOptions: { action: 'deny' },
  })({} as IncomingMessage, res, (err?: unknown) => (failure = err));
  if (failure) throw failure;
  return headers;
}

export type HeaderSets = { plain: Record<string, string>; https: Record<string, string> };

/** Over https when PUBLIC_URL says so, or when this request came in over https (directly or through a trusted proxy). */
export function createHeaderSets(publicUrl: string | undefined) {
  const sets: HeaderSets = { plain: securityHeaders(false), https: securityHeaders(true) };
  const isPublicHttps = publicUrl?.startsWith('https:') ?? false;
  return (request: FastifyRequest) => (isPublicHttps || request.protocol === 'https' ? sets.https : sets.plain);
}

/** Every answer gets the headers; API answers are private and never stored by a browser or proxy. */
export function registerSecurityHeaders(app: FastifyInstance, headersFor: (request: FastifyRequest) => Record<string, string>) {
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headersFor(request));
    done();
  });
  app.addHook('onSend', (request, reply, _payload, done) => {
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done();
  });
}
