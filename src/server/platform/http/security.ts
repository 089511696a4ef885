import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Config } from '../../config.js';
import { AppError } from '../errors.js';
import { hmac, randomToken, safeEqual } from '../crypto.js';
import type { SessionRecord, SessionStore } from '../../modules/auth/session-store.js';
import { CSRF_COOKIE, CSRF_HEADER, isSecureCookie, readSessionCookie } from './cookies.js';
import './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A signed double-submit token: the cookie and the header must match and carry our signature. */
export function createCsrfTokens(secret: string) {
  // A browser sends the same token with every request: remember the ones already verified.
  const verified = new LRUCache<string, true>({ max: 10_000 });
  return {
    issue(): string {
      const nonce = randomToken(18);
      return `${nonce}.${hmac(secret, `csrf:${nonce}`)}`;
    },
    isValid(token: string | undefined): token is string {
      if (!token) return false;
      if (verified.has(token)) return true;
      const [nonce, sig] = token.split('.');
      const valid = !!nonce && !!sig && safeEqual(sig, hmac(secret, `csrf:${nonce}`));
      if (valid) verified.set(token, true);
      return valid;
    },
  };
}
export type CsrfTokens = ReturnType<typeof createCsrfTokens>;

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Same site means the same scheme, host and port. PUBLIC_URL, when set, is the one origin browsers
 * use (behind a proxy that rewrites Host or ends TLS); otherwise the request's own scheme and Host.
 */
function isCrossSite(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (!origin) return false;
  const expected = publicOrigin ?? originOf(`${request.protocol}://${request.headers.host ?? ''}`);
  return originOf(origin) !== expected || expected === undefined;
}

/**
 * Deny by default: every /api route needs a session unless its config says isPublic. Every
 * state-changing request must come from our own pages (same origin, matching CSRF token).
 */
export function registerSecurity(app: FastifyInstance, deps: { config: Config; sessions: SessionStore; csrf: CsrfTokens }) {
  const { config, sessions, csrf } = deps;
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined;

  // A callback hook: a session already in memory is found without a promise (this runs on every request).
  app.addHook('onRequest', (request, reply, done) => {
    const routeConfig = request.routeOptions.config;
    const isMatched = request.routeOptions.url !== undefined;

    let csrfCookie = request.cookies[CSRF_COOKIE];
    if (!csrf.isValid(csrfCookie)) {
      csrfCookie = csrf.issue();
      reply.setCookie(CSRF_COOKIE, csrfCookie, { path: '/', sameSite: 'strict', secure: isSecureCookie(config), httpOnly: false });
      request.cookies[CSRF_COOKIE] = csrfCookie;
    }

    if (isMatched && !SAFE_METHODS.has(request.method) && !routeConfig.skipCsrf) {
      if (isCrossSite(request, publicOrigin)) return done(new AppError('csrf_failed', 'Cross-site requests are not allowed.'));
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !safeEqual(header, csrfCookie)) {
        return done(
          new AppError(
            'csrf_failed',
            `Missing or wrong ${CSRF_HEADER} header. Send the value of the ${CSRF_COOKIE} cookie (also returned by GET /api/auth/csrf).`,
          ),
        );
      }
    }

    // Only API routes act for a user: health, metrics and static files never read the session.
    const isApi = isMatched && request.url.startsWith('/api/');
    const finish = (session: SessionRecord | undefined) => {
      if (session) {
        request.session = session;
        request.actor = { userId: session.userId, sessionIdHash: session.idHash };
        request.ctx.userId = session.userId;
        // The request's own logger (also reply.log, which writes the completion line) gains the user id.
        (request.log as FastifyBaseLogger & { setBindings(b: object): void }).setBindings({ userId: session.userId });
      }
      request.ctx.authStatements = request.ctx.statements;
      if (isApi && !routeConfig.isPublic && !request.actor) return done(new AppError('unauthenticated', 'Sign in to continue.'));
      done();
    };
    const token = isApi ? readSessionCookie(request, config) : undefined;
    if (!token) return finish(undefined);
    const known = sessions.peek?.(token);
    if (known) return finish(known);
    sessions.get(token).then(finish, done);
  });
}

export function requireActor(request: FastifyRequest) {
  if (!request.actor) throw new AppError('unauthenticated', 'Sign in to continue.');
  return request.actor;
}
