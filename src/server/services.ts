import type { Redis } from 'ioredis';
import type { Config, Secrets } from './config.js';
import type { Database } from './platform/db.js';
import { createMemoryStore, createRedisBytes, watchRedis, type KeyValueStore } from './platform/kv.js';
import { createCursorCodec } from './platform/cursor.js';
import { createRateLimiter } from './platform/rate-limiter.js';
import { createDbSessionStore, createRedisSessionStore } from './modules/auth/session-store.js';
import { createUsersRepo } from './modules/auth/users.repo.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createDeviceTokens } from './modules/auth/device-tokens.js';
import { createGoogleSigninRepo } from './modules/auth/google-signin.repo.js';
import { createGoogleSigninService } from './modules/auth/google-signin.service.js';
import { createContactsRepo } from './modules/contacts/contacts.repo.js';
import { createContactsService } from './modules/contacts/contacts.service.js';
import { createConsentRepo } from './modules/consent/consent.repo.js';
import { createConsentService } from './modules/consent/consent.service.js';
import { createAuditService } from './modules/audit/audit.service.js';
import { createTagsRepo } from './modules/tags/tags.repo.js';
import { createTagsService } from './modules/tags/tags.service.js';
import { createProjectsRepo } from './modules/projects/projects.repo.js';
import { createProjectsService } from './modules/projects/projects.service.js';
import { createTasksRepo } from './modules/tasks/tasks.repo.js';
import { createTaskWritesRepo } from './modules/tasks/task-writes.repo.js';
import { createTasksService } from './modules/tasks/tasks.service.js';
import { createImageProcessor } from './platform/image-processor.js';
import { LIMITS } from './platform/limits.js';
import { createPhotosRepo } from './modules/photos/photos.repo.js';
import { createPhotosService } from './modules/photos/photos.service.js';
import { createInteractionsRepo } from './modules/interactions/interactions.repo.js';
import { createInteractionsService } from './modules/interactions/interactions.service.js';
import { createGoalsRepo } from './modules/goals/goals.repo.js';
import { createGoalsService } from './modules/goals/goals.service.js';
import { createReconnectRepo } from './modules/reconnect/reconnect.repo.js';
import { createReconnectService } from './modules/reconnect/reconnect.service.js';
import { createDashboardRepo } from './modules/dashboard/dashboard.repo.js';
import { createDashboardService } from './modules/dashboard/dashboard.service.js';
import { createTrashRepo } from './modules/trash/trash.repo.js';
import { createTrashService } from './modules/trash/trash.service.js';
import { createIdempotencyRepo } from './modules/idempotency/idempotency.repo.js';
import { createTodayRepo } from './modules/today/today.repo.js';
import { createTodayService } from './modules/today/today.service.js';
import { createCalendarRepo } from './modules/calendar/calendar.repo.js';
import { createCalendarService } from './modules/calendar/calendar.service.js';
import { createFeedRepo } from './modules/calendar/feed.repo.js';
import { createFeedService } from './modules/calendar/feed.service.js';
import { createDuplicatesRepo } from './modules/duplicates/duplicates.repo.js';
import { createMergeRepo } from './modules/duplicates/merge.repo.js';
import { createDuplicatesService } from './modules/duplicates/duplicates.service.js';
import { createPracticeCache } from './platform/practice-cache.js';
import { createOutboundClient, type OutboundClientDeps } from './platform/outbound/outbound-client.js';
import { createSubscriptionsRepo } from './modules/calendar/subscriptions.repo.js';
import { createSubscriptionsService } from './modules/calendar/subscriptions.service.js';
import { createExportRepo } from './modules/export/export.repo.js';
import { createExportService } from './modules/export/export.service.js';
import type { JobRunner } from './platform/jobs.js';
import type { JobDeps } from './app-jobs.js';
import { createImportsRepo } from './modules/imports/imports.repo.js';
import { createImportsService } from './modules/imports/imports.service.js';
import { embeddedUploadStore } from './platform/upload-store.js';
import { runImportJob } from './modules/imports/jobs/run-import.job.js';
import { createCipher } from './platform/crypto.js';
import { createGoogleRepo } from './modules/google/google.repo.js';
import { createGoogleClients } from './modules/google/google-clients.js';
import { createGoogleService } from './modules/google/google.service.js';
import { createCalendarSync } from './modules/google/calendar-sync.js';
import { calendarSyncJob } from './modules/google/jobs/calendar-sync.job.js';
import { createAiRepo } from './modules/ai/ai.repo.js';
import { createAiService } from './modules/ai/ai.service.js';
import { createAiEngine } from './modules/ai/engine.js';
import { createAiProvider } from './modules/ai/provider.js';
import { createAssistantService } from './modules/ai/assistant.service.js';
import { createAssistantRepo } from './modules/ai/assistant.repo.js';
import { createAssistantToolsRepo } from './modules/ai/assistant-tools.repo.js';
import { gmailSyncJob } from './modules/google/jobs/gmail-sync.job.js';
import { createGmailSync } from './modules/google/gmail-sync.js';
import { driveSyncJob } from './modules/google/jobs/drive-sync.job.js';
import { createDriveSync } from './modules/google/drive-sync.js';
import { createDocumentsService } from './modules/documents/documents.service.js';
import { createDocumentsRepo } from './modules/documents/documents.repo.js';
import { createSuggestionsRepo } from './modules/suggestions/suggestions.repo.js';
import { createSuggestionsService } from './modules/suggestions/suggestions.service.js';
import { createDelegationRepo } from './modules/suggestions/delegation.repo.js';
import { createDelegationService } from './modules/suggestions/delegation.service.js';
import { suggestionsRunJob } from './modules/suggestions/jobs/suggestions.job.js';
import { createClassifyEventsRepo } from './modules/ai/classify-events.repo.js';
import { createClassifyEvents } from './modules/ai/classify-events.js';
import { createInsightsRepo } from './modules/ai/insights.repo.js';
import { createInsightsService } from './modules/ai/insights.service.js';
import { classifyEventsJob } from './modules/ai/jobs/classify-events.job.js';
import { sentimentJob } from './modules/ai/jobs/sentiment.job.js';
import { backgroundQueue } from './modules/ai/jobs/queue-background.js';

export type ServiceDeps = {
  config: Config;
  secrets: Secrets;
  database: Database;
  kv: KeyValueStore;
  redis?: Redis;
  clock: () => Date;
  /** Queues work for the workers (imports); absent in tests that do not exercise jobs. */
  jobs?: JobRunner<JobDeps>;
  /**
   * Tests only: the outbound client's DNS, waits and limits, and `feedTestOrigins`, origins the
   * calendar subscriptions may reach directly (the fake ICS server on 127.0.0.1). A served process
   * never sets it: user-supplied URLs then always go through the SSRF-safe mode.
   */
  outbound?: OutboundClientDeps & { feedTestOrigins?: readonly string[] };
};

/** Every service is created once, here, and shared by all requests. */
export function createServices(deps: ServiceDeps) {
  const { config, database, kv, redis, clock } = deps;
  const db = database.db;
  const cursors = createCursorCodec(deps.secrets.sessionSecret);
  // With Redis: whether it may be used now, and what runs when it is back (README, Resilience).
  const redisHealth = redis ? watchRedis(redis) : undefined;
  const limiter = createRateLimiter(kv, clock, redis ? createMemoryStore() : undefined);
  // Writes that change a user's practice data drop that user's cached reads (dashboard, contact pages).
  const cache = createPracticeCache(kv, redis ? createRedisBytes(redis) : undefined, redisHealth);
  const onChange = (userId: string) => cache.invalidate(userId);
  const storeDeps = { clock, ttlDays: config.sessionTtlDays, idleDays: config.sessionIdleDays, changed: onChange };
  const sessions = redis && redisHealth ? createRedisSessionStore(redis, db, storeDeps, redisHealth) : createDbSessionStore(db, storeDeps);
  // One processor per process: its limiter bounds image work across all requests.
  const images = createImageProcessor({
    ...LIMITS.photo,
    maxBytes: LIMITS.photo.uploadBytes,
    maxPixels: Math.floor(LIMITS.photo.maxDecodedBytes / 4),
  });
  const usersRepo = createUsersRepo(db, onChange);
  const devices = createDeviceTokens(deps.secrets.sessionSecret);
  const consent = createConsentService({ repo: createConsentRepo(db), cursors, clock, onChange });
  // Background AI (issue 14): new interactions are scored, new or changed calendar events classified.
  const aiJobs = deps.jobs;
  const queueSentiment = aiJobs
    ? backgroundQueue((userId, delay) => aiJobs.send(sentimentJob, { userId }, { startAfterSeconds: delay }))
    : undefined;
  const queueClassification = aiJobs ? backgroundQueue((userId) => aiJobs.send(classifyEventsJob, { userId }), 0) : undefined;

  const services = {
    clock,
    redisHealth,
    sessions,
    cursors,
    cache,
    onChange,
    limiter,
    auth: createAuthService({
      users: usersRepo,
      sessions,
      limiter,
      devices,
      clock,
      onChange,
      forgetCached: (userId) => cache.forget(userId),
    }),
    contacts: createContactsService({ repo: createContactsRepo(db), cursors, cache, clock, onChange, consent }),
    consent,
    audit: createAuditService({ db, cursors }),
    tags: createTagsService({ repo: createTagsRepo(db), cursors, clock, onChange }),
    projects: createProjectsService({ repo: createProjectsRepo(db), cursors, clock, onChange }),
    tasks: createTasksService({ repo: createTasksRepo(db), writes: createTaskWritesRepo(db), cursors, clock, onChange }),
    images,
    photos: createPhotosService({ repo: createPhotosRepo(db), images, cursors, clock, onChange }),
    interactions: createInteractionsService({ repo: createInteractionsRepo(db), cursors, clock, onChange, onCreated: queueSentiment }),
    goals: createGoalsService({ repo: createGoalsRepo(db), cursors, clock, onChange }),
    documents: createDocumentsService({ repo: createDocumentsRepo(db), cursors, onChange }),
    reconnect: createReconnectService({ repo: createReconnectRepo(db), cursors, clock }),
    dashboard: createDashboardService({ repo: createDashboardRepo(db), cache, clock }),
    // Every call to another server: modules take `outbound.provider(name, …)` (platform/outbound).
    outbound: createOutboundClient(deps.outbound),
    trash: createTrashService({ repo: createTrashRepo(db), clock, onChange }),
    // Answers of requests sent with an Idempotency-Key (platform/http/idempotency.ts).
    idempotency: createIdempotencyRepo(db, clock),
    today: createTodayService({ repo: createTodayRepo(db), cache, clock, onChange }),
    calendar: createCalendarService({ repo: createCalendarRepo(db), clock, onChange }),
    calendarFeed: createFeedService({ repo: createFeedRepo(db), limiter, clock, onChange }),
    duplicates: createDuplicatesService({ repo: createDuplicatesRepo(db), merges: createMergeRepo(), cursors, clock, onChange }),
    exports: createExportService({ repo: createExportRepo(db, onChange), limiter, clock }),
  };
  const { jobs } = deps;
  const googleConfig = config.google;
  // Google's endpoints are the operator's configuration: trusted (the fake Google on loopback in tests).
  const googleHttp = services.outbound.provider('google', {
    trustedOrigins: [googleConfig.authUrl, googleConfig.tokenUrl, googleConfig.apiUrl, googleConfig.certsUrl],
  });
  const googleRepo = createGoogleRepo(db, onChange);
  const googleClients = createGoogleClients(googleConfig, googleHttp);
  const cipher = createCipher(Buffer.from(deps.secrets.encryptionKey, 'hex'));
  const google = createGoogleService({ repo: googleRepo, config: googleConfig, clients: googleClients, cipher, clock, onChange });
  // "Sign in with Google" (accounts and sessions are the auth module's; Google's clients are shared).
  const googleSignin = createGoogleSigninService({
    repo: createGoogleSigninRepo(db),
    users: usersRepo,
    sessions,
    limiter,
    devices,
    google: googleConfig,
    clients: googleClients,
    cipher,
    clock,
    onChange,
  });
  const importsRepo = createImportsRepo(db, onChange);
  const aiRepo = createAiRepo(db);
  // The one AI engine (budgets, masking, usage, prompts); every AI feature asks through it.
  const aiEngine = createAiEngine({
    repo: aiRepo,
    provider: createAiProvider({ config: config.ai, outbound: services.outbound }),
    config: config.ai,
    clock,
    onChange,
  });
  const feedLimits = LIMITS.calendarSubscriptions;
  // Suggestions and task delegation (issue 14): act through the tasks and contacts services.
  const suggestions = createSuggestionsService({
    repo: createSuggestionsRepo(db),
    engine: aiEngine,
    cursors,
    clock,
    onChange,
    actions: () => services,
    enqueue: jobs ? (userId, startAfterSeconds) => jobs.send(suggestionsRunJob, { userId }, { startAfterSeconds }) : undefined,
  });
  const delegation = createDelegationService({
    repo: createDelegationRepo(db),
    engine: aiEngine,
    clock,
    onChange,
    tasks: () => services.tasks,
  });
  return {
    ...services,
    suggestions,
    delegation,
    google,
    googleSignin,
    calendarSync: createCalendarSync({
      repo: googleRepo,
      db,
      google,
      clients: googleClients,
      interactions: services.interactions,
      clock,
      enqueue: jobs ? (userId, startAfterSeconds) => jobs.send(calendarSyncJob, { userId }, { startAfterSeconds }) : undefined,
      onEventsStored: queueClassification,
    }),
    ai: createAiService({
      engine: aiEngine,
      repo: aiRepo,
      cursors,
      clock,
      interactions: services.interactions,
    }),
    assistant: createAssistantService({
      engine: aiEngine,
      repo: createAssistantRepo(db),
      tools: createAssistantToolsRepo(db),
      clock,
      onChange,
    }),
    insights: createInsightsService({ engine: aiEngine, repo: createInsightsRepo(db), clock, onChange }),
    classifyEvents: createClassifyEvents({
      engine: aiEngine,
      repo: createClassifyEventsRepo(db),
      cursors,
      clock,
      interactions: services.interactions,
    }),
    gmailSync: createGmailSync({
      repo: googleRepo,
      db,
      google,
      clients: googleClients,
      interactions: services.interactions,
      clock,
      syncDays: googleConfig.gmailSyncDays,
      enqueue: jobs ? (userId, startAfterSeconds) => jobs.send(gmailSyncJob, { userId }, { startAfterSeconds }) : undefined,
    }),
    driveSync: createDriveSync({
      repo: googleRepo,
      db,
      google,
      clients: googleClients,
      documents: services.documents,
      clock,
      enqueue: jobs ? (userId, startAfterSeconds) => jobs.send(driveSyncJob, { userId }, { startAfterSeconds }) : undefined,
    }),
    imports: createImportsService({
      uploads: database.kind === 'pglite' ? embeddedUploadStore(database.dataDir) : undefined,
      repo: importsRepo,
      contacts: services.contacts,
      photos: services.photos,
      interactions: services.interactions,
      clock,
      enqueue: jobs ? (importId) => jobs.send(runImportJob, { importId }) : undefined,
      onCalendarStored: queueClassification,
    }),
    calendarSubscriptions: createSubscriptionsService({
      repo: createSubscriptionsRepo(db),
      onChange,
      feeds: services.outbound.provider('calendar-subscriptions', {
        trustedOrigins: deps.outbound?.feedTestOrigins,
        limits: { callTimeoutMs: feedLimits.timeoutMs, responseBytes: feedLimits.maxBytes, maxAttempts: 2, ...deps.outbound?.limits },
      }),
      ingest: async (userId, text, id) => {
        const { ingestCalendar } = await import('./modules/imports/calendar-ingest.js');
        const { failures: _failures, ...counts } = await ingestCalendar(
          { repo: importsRepo, interactions: services.interactions, clock },
          userId,
          text,
          { kind: 'subscription', id },
        );
        if (counts.created || counts.updated) queueClassification?.(userId);
        return counts;
      },
      forget: (userId, id) => services.interactions.removeFromSource(userId, 'import', `icsfeed:${id}:`),
      limiter: services.limiter,
      clock,
    }),
  };
}
export type Services = ReturnType<typeof createServices>;
