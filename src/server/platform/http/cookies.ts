import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.js';

export const SESSION_COOKIE = 'mcrm_session';
export const CSRF_COOKIE = 'mcrm_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function isSecureCookie(config: Config): boolean {
  return config.publicUrl ? config.publicUrl.startsWith('https:') : config.isProduction;
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isSecureCookie(config),
    maxAge: config.sessionTtlDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureCookie(config) });
}
