/** Every limit in one place, so a reviewer can see and tune them together. */
export const LIMITS = Object.freeze({
  jsonBodyBytes: 256 * 1024,
  page: Object.freeze({ defaultSize: 50, maxSize: 200 }),
  bulkIds: 1000,
  /** Consent ledger: the evidence note of an entry; history pages use `page`. */
  /** The evidence file of an entry (a signed form, a scan, a saved email): its size and how many a contact keeps. */
  consent: Object.freeze({ noteChars: 1000, evidenceBytes: 5 * 1024 * 1024, evidencePerContact: 50 }),
  text: Object.freeze({ name: 200, short: 500, notes: 20_000, search: 200 }),
  contact: Object.freeze({ emails: 20, phones: 20, customFields: 100, socialHandles: 20, importantDates: 50, tags: 100 }),
  task: Object.freeze({ contacts: 50, minutes: 1_000_000 }),
  /** People one logged class or group session may name (POST /api/interactions/bulk). */
  attendees: 200,
  password: Object.freeze({ min: 10, max: 200 }),
  /**
   * Sign-in (and password change) attempts per window: per account and address pair always, per
   * address always, and per account only for clients without the account's device cookie, so a
   * stranger's guesses slow strangers, never the owner's own browsers.
   */
  login: Object.freeze({ perAccount: 10, perAccountAndIp: 5, perIp: 50, windowMs: 15 * 60_000 }),
  /** Browsers that signed in to an account are known to it for this long; a cookie names this many accounts at most. */
  device: Object.freeze({ maxAgeDays: 365, accounts: 5 }),
  signup: Object.freeze({ perIp: 20, windowMs: 60 * 60_000 }),
  /**
   * Data exports (GET /api/export, /api/contacts/:id/export): rows read per keyset page and photos per
   * page (each page is written out before the next is read, so memory stays bounded, in pieces of
   * about chunkChars characters), and how many
   * exports one user may start per window (each reads the whole account). The contact exports
   * (vCard, CSV) read the same pages and take at most `ids` contacts in a selection.
   */
  export: Object.freeze({
    pageRows: 500,
    chunkChars: 32 * 1024,
    photoPageRows: 10,
    vcardPageRows: 100,
    perUser: 10,
    windowMs: 60 * 60_000,
    ids: 1000,
  }),
  /**
   * The calendar feed (GET /ics/<token>.ics): the window of dated events (days back, days ahead;
   * birthdays and important dates repeat yearly and are not cut), the most events of each kind, and
   * fetches per token and per address (calendar apps poll every few minutes to hours).
   */
  calendarFeed: Object.freeze({ daysBack: 30, daysAhead: 400, maxPerKind: 5_000, perToken: 60, perIp: 300, windowMs: 60 * 60_000 }),
  /** Deleting the account without the password needs a sign-in younger than this. */
  freshSignInMs: 5 * 60_000,
  sessionTouchMs: 5 * 60_000,
  /**
   * PostgreSQL (DATABASE_URL): a pool connection must be made within connectMs and a statement
   * finish within statementMs (PostgreSQL cancels it; migrations have none); a statement run for a
   * request within requestStatementMs, so one stuck behind a lock answers 503 within 2 s (routes
   * marked `config: { longStatements: true }` — exports, imports, merges, erasures — keep
   * statementMs). An answer refused because the database is unreachable or too slow is a 503 with
   * Retry-After retryAfterSeconds.
   *
   * randomPageCost is the planner's cost of a random page read on our connections (PostgreSQL's
   * default, 4, assumes spinning disks): a practice's rows are few and cached, and at 4 the planner
   * joined each contact's tags by scanning the whole tags table once per contact row. At 1.1 it
   * looks them up by key: the contacts page's statement ran in 1.0 ms instead of 1.8 ms, and
   * PostgreSQL's CPU under the SLO mix fell from 39–45 s to 32–36 s a run (issue 15, item 9).
   */
  database: Object.freeze({ connectMs: 1_000, statementMs: 10_000, requestStatementMs: 1_500, retryAfterSeconds: 2, randomPageCost: 1.1 }),
  /**
   * PostgreSQL: a statement text seen `after` times is prepared under a name on each connection (see
   * platform/prepared-statements.ts), up to `max` texts a process; `tracked` texts are counted at most.
   */
  preparedStatements: Object.freeze({ after: 3, max: 100, tracked: 5_000 }),
  /**
   * Redis (REDIS_URL): every command fails after commandMs (and at once while disconnected); the
   * server then serves without it (README, Resilience). After an outage the cache is bypassed for
   * recoverySettleMs so every instance has moved the cache epoch on before entries are read again.
   */
  redis: Object.freeze({ connectMs: 500, commandMs: 300, probeMs: 500, recoverySettleMs: 2_000 }),
  /** Without Redis: sessions this process keeps after reading them, and for how long at most. */
  sessionCacheEntries: 10_000,
  sessionCacheMs: 60_000,
  eventLoopSampleMs: 200,
  /** The embedded database's PostgreSQL memory (see embedded-settings.ts); its cache is EMBEDDED_CACHE_MB. */
  embeddedDb: Object.freeze({
    defaultCacheMb: 16,
    workMemMb: 4,
    hashMemMultiplier: 1,
    tempBuffersMb: 1,
    maintenanceWorkMemMb: 16,
    /** A run of embedded statements gives the event loop a turn once it has held it this long (loop-release.ts). */
    maxLoopHoldMs: 50,
    loopTickMs: 20,
  }),
  cache: Object.freeze({
    entries: 10_000,
    bytes: 32 * 1024 * 1024,
    localBytes: 16 * 1024 * 1024,
    dashboardTtlMs: 60_000,
    listTtlMs: 60_000,
  }),
  /**
   * Deleted timeline entries, goals, tasks and photos can be restored (Undo) for this long, then the
   * purge job (every 5 minutes) removes them: at most purgeRounds × purgeBatchRows per table a run.
   */
  /**
   * Idempotency-Key answers are kept this long per user; a key whose first request never finished
   * (a crash) is taken over by a retry after abandonMs; keys are 1–200 visible characters.
   */
  idempotency: Object.freeze({ keepMs: 24 * 60 * 60_000, abandonMs: 60_000, keyChars: 200, maxStoredBytes: 1024 * 1024 }),
  trash: Object.freeze({ purgeAfterMinutes: 30, purgeBatchRows: 1_000, purgeRounds: 20 }),
  /**
   * Duplicate detection answers at most maxPairs matching pairs (grouped), names count as similar
   * from nameSimilarity (pg_trgm, 0 to 1); a merge takes at most mergeContacts contacts and can be
   * undone for undoDays.
   */
  duplicates: Object.freeze({ maxPairs: 2_000, defaultGroups: 50, maxGroups: 200, nameSimilarity: 0.6, mergeContacts: 10, undoDays: 30 }),
  /** Rows per statement when syncs and imports upsert interactions. */
  interactionBatchRows: 500,
  /**
   * The dashboard lists dates this many days ahead, at most upcomingMax of them; and the sessions
   * of today and the next sessionDays days, at most sessionsMax.
   */
  dashboard: Object.freeze({ upcomingDays: 30, upcomingMax: 100, sessionDays: 7, sessionsMax: 20 }),
  /**
   * The Today view: sessions of today and tomorrow (at most sessionsMax), people per reconnect group,
   * birthdays this many days ahead, tasks per list; snoozes last 1 to snoozeMaxDays days. A contact
   * overdue by more than overdueRatioCap times their cadence ranks as if it were exactly that.
   */
  today: Object.freeze({
    sessionsMax: 50,
    reconnectPerGroup: 8,
    birthdayDays: 7,
    tasksMax: 10,
    snoozeMaxDays: 365,
    overdueRatioCap: 3,
  }),
  /**
   * Contact imports (CSV, vCard): the uploaded file, a CSV cell, a vCard's embedded photo (decoded),
   * rows written per transaction, rows in the preview, and the kept failure/warning lines per report.
   * A row over a cap fails alone; the file over its cap is a 413.
   */
  /** Google connection and sync (modules/google). */
  google: Object.freeze({
    /** How long a connect flow may take between the redirect to Google and the callback. */
    stateTtlMs: 10 * 60_000,
    /** How long "Sign in with Google" waits for the password of an existing account with the same email. */
    pendingLinkTtlMs: 10 * 60_000,
    /** An access token expiring within this is refreshed (and persisted) before any call. */
    refreshMarginMs: 5 * 60_000,
    /** Events asked per page of a calendar sync (Google allows up to 2,500). */
    eventsPageSize: 250,
    /** Messages asked per page of a Gmail sync (list and history). */
    messagesPageSize: 100,
    /** Gmail messages asked for at once while a page is read (each message is one call). */
    messageFetches: 8,
    /** Characters of an email body kept as plain text. */
    emailBodyChars: 20_000,
    /** Scheduled syncs: every connected user once per interval, each at their own offset in it. */
    syncIntervalMinutes: 15,
    /** How often the progress stream of a sync reads its state. */
    progressPollMs: 250,
  }),
  /**
   * Drive sync and documents (modules/google/drive-sync.ts, modules/documents): files asked per page
   * (listing and changes feed), files read by one full listing (first run, or after an expired changes
   * token), a file's size cap (checked from Drive's size before reading, and on the answer itself),
   * extracted text kept per document, characters of a snippet in lists, and the shortest search.
   */
  drive: Object.freeze({
    pageSize: 100,
    maxFiles: 5_000,
    fileBytes: 10 * 1024 * 1024,
    textChars: 200_000,
    snippetChars: 240,
    detailChars: 50_000,
    minSearchChars: 3,
  }),
  imports: Object.freeze({
    fileBytes: 40 * 1024 * 1024,
    cellChars: 64 * 1024,
    cardChars: 14 * 1024 * 1024,
    photoBytes: 10 * 1024 * 1024,
    batchRows: 200,
    previewRows: 20,
    reportIssues: 1_000,
    progressPollMs: 500,
  }),
  /**
   * Calendar (.ics) imports and subscriptions: occurrences are kept from daysBack before now to
   * daysAhead after; a series is walked at most seriesIterations steps, a file gives at most
   * maxOccurrences occurrences; events parsed, and series steps walked, between two turns of the event loop.
   */
  icsImport: Object.freeze({
    daysBack: 2 * 365,
    daysAhead: 365,
    seriesIterations: 20_000,
    maxOccurrences: 50_000,
    eventsPerTurn: 25,
    stepsPerTurn: 100,
  }),
  /**
   * Calendar subscriptions (ICS URLs): per user, the largest body fetched, the fetch timeout, how
   * often each is fetched again, the most fetched by one run of the job (every 5 minutes), and the
   * fetches a user may ask for (add, refresh now) per hour (then 429).
   */
  calendarSubscriptions: Object.freeze({
    perUser: 20,
    maxBytes: 10 * 1024 * 1024,
    timeoutMs: 15_000,
    refreshMinutes: 60,
    urlChars: 2_000,
    perRun: 200,
    fetchesPerHour: 60,
  }),
  photo: Object.freeze({
    uploadBytes: 10 * 1024 * 1024,
    /**
     * Decoded size (width × height × 4 channels, the worst case) an upload may reach: sharp reads
     * the dimensions from the header and refuses before decoding. 48 MB allows 12 megapixels.
     */
    maxDecodedBytes: 48 * 1024 * 1024,
    /** What image work may add to the process's resident memory (checked by the decompression-bomb test). */
    rssBudgetBytes: 150 * 1024 * 1024,
    concurrency: 2,
    queue: 32,
    uploadTimeoutMs: 120_000,
    /**
     * The photo worker (a child process; platform/image-worker.ts): it exits after idleMs without a
     * photo, a decode longer than jobTimeoutMs ends it, and its V8 heap is capped at heapMb.
     */
    worker: Object.freeze({ idleMs: 30_000, jobTimeoutMs: 30_000, heapMb: 64 }),
    size: 400,
    uploadsPerUser: Object.freeze({ max: 2_000, windowMs: 60 * 60_000 }),
  }),
  /**
   * Model calls (modules/ai): one call's bound (not the SDK's 10 minutes), interactions per
   * sentiment call and per run, prompts per page.
   */
  ai: Object.freeze({
    callTimeoutMs: 60_000,
    sentimentBatch: 25,
    sentimentPerRun: 200,
    promptsPage: 50,
    maxPromptsPage: 200,
    /** Calendar events per model call, and events one classification run takes (the job runs again for more). */
    classifyBatch: 25,
    classifyPerRun: 2_500,
    /**
     * Rows per statement when a run stores its conclusions and marks the timeline entries: one
     * statement of a whole run's JSON (2,500 events) grew the embedded database's memory, which
     * never shrinks, by 6.6 MB; statements of this size stay inside what it already has.
     */
    classifyWriteRows: 250,
    /** Background jobs wait this long after the first change (later changes ride the same run), and runs per job. */
    backgroundDelaySeconds: 20,
    backgroundMaxRuns: 20,
    /**
     * Contact insights: the most recent timeline entries, goals and tasks one prompt holds, the
     * characters kept of each text, and the statements kept per list of the answer.
     */
    insights: Object.freeze({ interactions: 30, goals: 15, tasks: 15, textChars: 600, statements: 5 }),
  }),
  /**
   * The assistant (POST /api/ai/chat): question length, model rounds per question (tool rounds plus
   * the answer), records per tool result and characters per text in it, earlier messages sent back,
   * conversations per list, messages kept per conversation, and the largest voice recording.
   */
  assistant: Object.freeze({
    messageChars: 2_000,
    rounds: 4,
    toolResults: 15,
    toolTextChars: 400,
    historyMessages: 12,
    conversationsPage: 50,
    conversationMessages: 200,
    citations: 20,
    audioBytes: 10 * 1024 * 1024,
  }),
  /**
   * Daily suggestions (modules/suggestions): the most proposed per kind and run, how many new ones one
   * model call words, how far back class attendance counts, and the days an overdue task is moved by.
   */
  suggestions: Object.freeze({ perKind: 20, wordBatch: 25, attendanceDays: 90, rescheduleDays: 7, minClassDays: 2 }),
  /** Task delegation: segments per proposal. */
  delegation: Object.freeze({ segments: 12 }),
  /** Every call to another server (platform/outbound); a provider may tighten or relax them. */
  outbound: Object.freeze({
    connectTimeoutMs: 5_000,
    /** One attempt, from sending the request to the last byte of the answer. */
    callTimeoutMs: 30_000,
    /** Attempts per call (first try included), and the most a call may sleep between them in all. */
    maxAttempts: 3,
    retryBaseDelayMs: 250,
    retryMaxDelayMs: 10_000,
    maxTotalRetryWaitMs: 30_000,
    responseBytes: 10 * 1024 * 1024,
    maxRedirects: 3,
    /** Consecutive failed attempts that open a provider's breaker, and how long it stays open. */
    breakerFailures: 5,
    breakerCooldownMs: 30_000,
    /** Breakers kept for user-supplied URLs (one per origin), least recently used dropped first. */
    breakerOrigins: 1_000,
  }),
});
