import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { LIMITS } from '../limits.js';

export const CSRF_COOKIE = 'mcrm_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function isSecureCookie(config: Config): boolean {
  return config.publicUrl ? config.publicUrl.startsWith('https:') : config.isProduction;
}

/**
 * Over https the session and device cookies carry the __Host- prefix: the browser then accepts them
 * only from this exact origin, Secure, for Path=/ and without Domain, so a sibling subdomain or a
 * plain-http page cannot plant or overwrite them. Plain-http local use keeps the bare names.
 */
export function cookieNames(config: Config) {
  const prefix = isSecureCookie(config) ? '__Host-' : '';
  return { session: `${prefix}mcrm_session`, device: `${prefix}mcrm_device`, googleSignin: `${prefix}mcrm_google_signin` };
}

export function readSessionCookie(request: FastifyRequest, config: Config): string | undefined {
  return request.cookies[cookieNames(config).session];
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string) {
  reply.setCookie(cookieNames(config).session, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureCookie(config),
    maxAge: config.sessionTtlDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(cookieNames(config).session, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureCookie(config) });
}

export function readDeviceCookie(request: FastifyRequest, config: Config): string | undefined {
  return request.cookies[cookieNames(config).device];
}

/** Kept across sign-outs on purpose: it says this browser signed in before, nothing more. */
export function setDeviceCookie(reply: FastifyReply, config: Config, value: string) {
  reply.setCookie(cookieNames(config).device, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: isSecureCookie(config),
    maxAge: LIMITS.device.maxAgeDays * 86_400,
  });
}

/**
 * The pre-session cookie of "Sign in with Google": a random value whose hash binds the state sent
 * to Google (then a link waiting for a password) to this browser. SameSite=Lax: Google's redirect
 * back is a top-level navigation from another site, which Lax cookies accompany.
 */
export function readGoogleSigninCookie(request: FastifyRequest, config: Config): string | undefined {
  return request.cookies[cookieNames(config).googleSignin];
}

export function setGoogleSigninCookie(reply: FastifyReply, config: Config, value: string, maxAgeMs: number) {
  reply.setCookie(cookieNames(config).googleSignin, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureCookie(config),
    maxAge: Math.ceil(maxAgeMs / 1000),
  });
}

export function clearGoogleSigninCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(cookieNames(config).googleSignin, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureCookie(config) });
}
