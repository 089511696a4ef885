import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config, Secrets } from './config.js';
import type { Database } from './platform/db.js';
import type { KeyValueStore } from './platform/kv.js';
import type { JobRunner } from './platform/jobs.js';
import { registerJobs } from './jobs.js';
import { AppError } from './platform/errors.js';
import { LIMITS } from './platform/limits.js';
import { createMetrics, type Metrics } from './platform/metrics.js';
import { requestContext } from './platform/request-context.js';
import { handleFrameworkError, registerErrorHandling, sendError } from './platform/http/error-handler.js';
import { createCsrfTokens, registerSecurity } from './platform/http/security.js';
import { registerInputGuards } from './platform/http/input-guard.js';
import { createHeaderSets, registerSecurityHeaders } from './platform/http/security-headers.js';
import { registerLoadShedding } from './platform/http/load-shedding.js';
import { createServices, type Services } from './services.js';
import { registerModules } from './modules/index.js';
import { registerOps } from './modules/ops/ops.routes.js';
import { registerWeb } from './modules/web/web.routes.js';

export type AppDeps = {
  config: Config;
  secrets: Secrets;
  database: Database;
  kv: KeyValueStore;
  redis?: Redis;
  /** Absent in tests that do not exercise jobs. */
  jobs?: JobRunner;
  log: FastifyBaseLogger;
  clock?: () => Date;
};

export type App = FastifyInstance<any, any, any, FastifyBaseLogger, ZodTypeProvider>;
export type RouteInfo = { method: string; url: string; isPublic: boolean };

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    metrics: Metrics;
    routeTable: RouteInfo[];
  }
}

/**
 * A hop count trusts that many proxies whatever their address (Fastify itself now ignores a plain
 * number): right only when the port is reachable through the proxies alone. Addresses are stricter.
 */
function trustProxyOption(trust: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust === false ? false : [...trust];
}

/** The composition root: every service is created here once and injected. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const headersFor = createHeaderSets(config.publicUrl);
  const app = Fastify({
    loggerInstance: deps.log,
    genReqId: () => crypto.randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: LIMITS.jsonBodyBytes,
    // A hop count or the proxies' addresses, never "any client" (see config.ts).
    trustProxy: trustProxyOption(config.trustProxy),
    routerOptions: { maxParamLength: 200 },
    // These answers skip every hook, so they get the security headers here.
    frameworkErrors: (error, request, reply) => {
      reply.headers(headersFor(request));
      return handleFrameworkError(error, request, reply);
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body to a JSON route answers 415 instead of a confusing 400.
  app.removeContentTypeParser('text/plain');

  const services = createServices({ ...deps, clock: deps.clock ?? (() => new Date()) });
  const metrics = createMetrics({ database: deps.database, cache: services.cache, jobs: deps.jobs, images: services.images });
  if (deps.jobs) registerJobs(deps.jobs, services);
  app.decorate('services', services);
  app.decorate('metrics', metrics);
  app.decorate('routeTable', [] as RouteInfo[]);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, isPublic: route.config?.isPublic === true });
    }
  });

  app.addHook('onRequest', (request, reply, done) => {
    request.ctx = { requestId: request.id, statements: 0, authStatements: 0 };
    reply.header('x-request-id', request.id);
    requestContext.run(request.ctx, done);
  });
  // Body parsing can leave the async context; re-enter it so statement counting stays per request.
  app.addHook('preHandler', (request, _reply, done) => requestContext.run(request.ctx, done));
  app.addHook('onSend', async (request, reply, payload) => {
    if (config.exposeStatementCount && request.ctx) {
      reply.header('x-db-statements', String(request.ctx.statements - request.ctx.authStatements));
    }
    // Node 20 is slow to send large strings with a Content-Length; a Buffer goes out fast.
    return typeof payload === 'string' && payload.length > 16_384 ? Buffer.from(payload) : payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (request.ctx) metrics.statementsPerRequest.observe({ route }, request.ctx.statements);
  });

  await app.register(cookie);
  registerSecurityHeaders(app, headersFor);
  registerLoadShedding(app, {
    maxEventLoopDelayMs: config.maxEventLoopDelayMs,
    maxRssBytes: config.maxRssBytes,
    graceMs: config.loadShedGraceMs,
    sampleMs: LIMITS.eventLoopSampleMs,
    onShed: (request, reply, reason) => {
      request.log.warn({ reason }, 'request shed');
      void sendError(reply, request, new AppError('unavailable', 'The server is overloaded. Retry shortly.', undefined, 5));
    },
  });
  await app.register(swagger, {
    openapi: { info: { title: 'MindfulCRM API', version: '1' } },
    transform: jsonSchemaTransform,
  });

  registerErrorHandling(app);
  registerInputGuards(app);
  registerSecurity(app, { config, sessions: services.sessions, csrf: createCsrfTokens(deps.secrets.sessionSecret) });
  registerOps(app, { config, database: deps.database, kv: deps.kv, metrics, log: deps.log });
  await registerModules(app, config);
  app.get('/api/openapi.json', { config: { isPublic: true }, schema: { hide: true } }, async () => app.swagger());
  registerWeb(app, config);
  return app;
}
