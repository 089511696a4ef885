import crypto from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import type { Config } from './config.js';
import { AppError } from './platform/errors.js';
import { LIMITS } from './platform/limits.js';
import type { Metrics } from './platform/metrics.js';
import { requestContext } from './platform/request-context.js';
import { handleFrameworkError, registerErrorHandling, sendError } from './platform/http/error-handler.js';
import { createCsrfTokens, registerSecurity } from './platform/http/security.js';
import { lazyRequestLogger } from './platform/http/request-logger.js';
import { registerInputGuards } from './platform/http/input-guard.js';
import { createHeaderSets, registerSecurityHeaders } from './platform/http/security-headers.js';
import { registerLoadShedding } from './platform/http/load-shedding.js';
import { registerIdempotency } from './platform/http/idempotency.js';
import { registerEarlyCachedReads } from './platform/http/cached-read.js';
import { registerResponseContract } from './platform/http/response-contract.js';
import { registerRouteDocs, securitySchemes } from './platform/http/route-docs.js';
import { attachExamples } from './platform/http/openapi-examples.js';
import { cookieNames, CSRF_HEADER } from './platform/http/cookies.js';
import { openapiResponse } from '../shared/api/openapi.js';
import type { Services } from './services.js';
import { createContainer, type Container, type ContainerDeps } from './container.js';
import { registerModules } from './modules/index.js';
import { registerOps } from './modules/ops/ops.routes.js';
import { registerWeb } from './modules/web/web.routes.js';

export type AppDeps = ContainerDeps & { log: FastifyBaseLogger };

export type App = FastifyInstance<any, any, any, FastifyBaseLogger, ZodTypeProvider>;
export type RouteInfo = {
  method: string;
  url: string;
  isPublic: boolean;
  /** The route's zod schemas (params, querystring, body, response by status), for tests and docs. */
  schema: { params?: ZodType; querystring?: ZodType; body?: ZodType; response?: Record<string, ZodType>; hide?: boolean };
};

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    metrics: Metrics;
    startJobs: Container['startJobs'];
    routeTable: RouteInfo[];
    /** Set on SIGTERM: readiness answers 503 and answers ask clients to close their connection. */
    lifecycle: { isDraining: boolean };
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
    // A pino child per request only once it logs (most never do).
    childLoggerFactory: lazyRequestLogger,
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

  const { services, metrics, startJobs } = createContainer(deps);
  app.addHook('onClose', () => {
    services.images.close();
    return services.outbound.close();
  });
  app.decorate('services', services);
  app.decorate('metrics', metrics);
  app.decorate('startJobs', startJobs);
  app.decorate('routeTable', [] as RouteInfo[]);
  app.decorate('lifecycle', { isDraining: false });
  // First, so every later onRoute hook (the route table, swagger) sees the documented error statuses.
  registerRouteDocs(app);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({
        method,
        url: route.url,
        isPublic: route.config?.isPublic === true,
        schema: (route.schema ?? {}) as RouteInfo['schema'],
      });
    }
  });

  registerResponseContract(app, config.validateResponses);

  app.addHook('onRequest', (request, reply, done) => {
    const longStatements = request.routeOptions.config?.longStatements === true;
    request.ctx = { requestId: request.id, statements: 0, authStatements: 0, longStatements };
    reply.header('x-request-id', request.id);
    requestContext.run(request.ctx, done);
  });
  // Body parsing can leave the async context; re-enter it so statement counting stays per request
  // (a request without a body is still in it, and skips the second run).
  app.addHook('preHandler', (request, _reply, done) =>
    requestContext.get() === request.ctx ? done() : requestContext.run(request.ctx, done),
  );
  // Callback hooks: they run on every request, and an async one costs a promise each time.
  app.addHook('onSend', (request, reply, payload, done) => {
    // While draining, a keep-alive client opens its next connection elsewhere (another instance).
    if (app.lifecycle.isDraining) reply.header('connection', 'close');
    if (config.exposeStatementCount && request.ctx) {
      reply.header('x-db-statements', String(request.ctx.statements - request.ctx.authStatements));
    }
    // Node 20 is slow to send large strings with a Content-Length; a Buffer goes out fast.
    done(null, typeof payload === 'string' && payload.length > 16_384 ? Buffer.from(payload) : payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe([request.method, route, String(reply.statusCode)], reply.elapsedTime / 1000);
    if (request.ctx) metrics.statementsPerRequest.observe([route], request.ctx.statements);
    done();
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
    openapi: {
      info: { title: 'MindfulCRM API', version: '1' },
      components: { securitySchemes: securitySchemes(cookieNames(config).session, CSRF_HEADER) },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      return { ...out, schema: attachExamples(out.schema as Record<string, unknown>) as typeof out.schema };
    },
  });

  registerErrorHandling(app);
  registerInputGuards(app);
  registerSecurity(app, { config, sessions: services.sessions, csrf: createCsrfTokens(deps.secrets.sessionSecret) });
  registerEarlyCachedReads(app);
  registerIdempotency(app, services.idempotency);
  registerOps(app, { config, database: deps.database, kv: deps.kv, metrics, log: deps.log });
  await registerModules(app, config);
  app.get(
    '/api/openapi.json',
    { config: { isPublic: true }, schema: { hide: true, response: { 200: openapiResponse } } },
    async () => app.swagger() as never,
  );
  registerWeb(app, config);
  return app;
}
