import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import type { Config } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { publicUrlOf } from '../../platform/http/public-url.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  clearGoogleSigninCookie,
  CSRF_COOKIE,
  readDeviceCookie,
  readGoogleSigninCookie,
  readSessionCookie,
  setDeviceCookie,
  setGoogleSigninCookie,
  setSessionCookie,
} from '../../platform/http/cookies.js';
import {
  authProvidersResponse,
  googleLinkBody,
  googlePendingLinkResponse,
  googleSigninQuery,
  meResponse,
  type GoogleSigninRefusal,
} from '../../../shared/api/auth.js';
import { callbackQuery } from '../../../shared/api/google.js';
import { presentUser } from './auth.service.js';

const CALLBACK_PATH = '/api/auth/google/callback';
/** The web app's pages the browser lands on: signed in (the app takes over), a refusal, the password of case (c). */
const SIGNED_IN = '/sign-in?google=signed_in';
const refusedPage = (reason: GoogleSigninRefusal) => `/sign-in?google=${reason}`;
const CONFIRM_PAGE = '/sign-in/google';

export function registerGoogleSigninRoutes(app: App, config: Config) {
  const { googleSignin } = app.services;
  const TAGS = ['auth'];
  const publicRoute = { isPublic: true } as const;
  const redirect = { 302: z.null().meta({ description: 'Redirect (Location header)' }) };
  const browserOf = (req: FastifyRequest) => ({
    token: readGoogleSigninCookie(req, config),
    meta: { userAgent: req.headers['user-agent'], ip: req.ip },
    previousSession: readSessionCookie(req, config),
    deviceCookie: readDeviceCookie(req, config),
  });
  const go = (reply: FastifyReply, location: string) => reply.header('cache-control', 'no-store').redirect(location, 302);
  const signedIn = (reply: FastifyReply, session: { token: string; deviceCookie: string }) => {
    setSessionCookie(reply, config, session.token);
    setDeviceCookie(reply, config, session.deviceCookie);
    clearGoogleSigninCookie(reply, config);
  };

  const providers = Buffer.from(JSON.stringify({ password: true, google: googleSignin.isConfigured() }));
  app.get(
    '/api/auth/providers',
    {
      config: publicRoute,
      schema: {
        tags: TAGS,
        description: 'The ways to sign in this server offers (Google only with GOOGLE_CLIENT_ID set).',
        response: { 200: authProvidersResponse },
      },
    },
    // Fixed while the process runs (the settings are read at start): its JSON is built once.
    async (_req, reply) => sendJsonText(reply, providers),
  );

  app.get(
    '/api/auth/google',
    {
      config: publicRoute,
      schema: {
        tags: TAGS,
        description:
          'Starts "Sign in with Google": 302 to Google (scopes openid email profile) with a single-use state bound to a pre-session cookie and a PKCE challenge. timezone: the zone of an account this sign-in creates. When it cannot start, 302 to /sign-in?google=<reason>.',
        querystring: googleSigninQuery,
        response: redirect,
      },
    },
    async (req, reply) => {
      try {
        const { url, browserToken } = await googleSignin.start(req.query, browserOf(req).meta, publicUrlOf(req, config, CALLBACK_PATH));
        setGoogleSigninCookie(reply, config, browserToken, LIMITS.google.stateTtlMs);
        return go(reply, url);
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'rate_limited' && err.code !== 'unavailable')) throw err;
        return go(reply, refusedPage(err.code));
      }
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: publicRoute,
      schema: {
        tags: TAGS,
        description:
          "Google's redirect back. Checks the state (this browser's, once, in time), exchanges the code with the PKCE verifier and verifies the id_token (signature, audience, issuer, nonce, verified email); then signs in (302 to /sign-in?google=signed_in), or, when a password account has the same email, 302 to /sign-in/google to confirm with its password; refusals 302 to /sign-in?google=<reason>.",
        querystring: callbackQuery,
        response: redirect,
      },
    },
    async (req, reply) => {
      const outcome = await googleSignin.callback(req.query, browserOf(req), publicUrlOf(req, config, CALLBACK_PATH));
      if (outcome.kind === 'signed_in') {
        signedIn(reply, outcome);
        return go(reply, SIGNED_IN);
      }
      if (outcome.kind === 'confirm_password') {
        setGoogleSigninCookie(reply, config, outcome.linkToken, LIMITS.google.pendingLinkTtlMs);
        return go(reply, CONFIRM_PAGE);
      }
      clearGoogleSigninCookie(reply, config);
      return go(reply, refusedPage(outcome.reason));
    },
  );

  app.get(
    '/api/auth/google/link',
    {
      config: { ...publicRoute, errorStatuses: [404] },
      schema: {
        tags: TAGS,
        description: "The account whose password this browser's Google sign-in waits for (404 once it expired or was used).",
        response: { 200: googlePendingLinkResponse },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return googleSignin.pendingLink(readGoogleSigninCookie(req, config));
    },
  );

  app.post(
    '/api/auth/google/link',
    {
      config: { ...publicRoute, errorStatuses: [401, 404, 409, 429] },
      schema: {
        tags: TAGS,
        description:
          'Confirms the pending Google sign-in with the password of the account that has its email: links the Google account and signs in. A wrong password is a 401 and the link stays pending until it expires; limited like password sign-in.',
        body: googleLinkBody,
        response: { 200: meResponse },
      },
    },
    async (req, reply) => {
      const browser = browserOf(req);
      const { user, ...session } = await googleSignin.confirmLink(browser.token, req.body.password, browser);
      signedIn(reply, session);
      return { user: presentUser(user), csrfToken: req.cookies[CSRF_COOKIE] ?? '' };
    },
  );
}
