/** Every limit in one place, so a reviewer can see and tune them together. */
export const LIMITS = Object.freeze({
  jsonBodyBytes: 256 * 1024,
  page: Object.freeze({ defaultSize: 50, maxSize: 200 }),
  bulkIds: 1000,
  text: Object.freeze({ name: 200, short: 500, notes: 20_000, search: 200 }),
  contact: Object.freeze({ emails: 20, phones: 20, customFields: 100, socialHandles: 20, importantDates: 50, tags: 100 }),
  task: Object.freeze({ contacts: 50, minutes: 1_000_000 }),
  password: Object.freeze({ min: 10, max: 200 }),
  login: Object.freeze({ perAccount: 10, perIp: 50, windowMs: 15 * 60_000 }),
  signup: Object.freeze({ perIp: 20, windowMs: 60 * 60_000 }),
  sessionTouchMs: 5 * 60_000,
  /** Without Redis: sessions this process keeps after reading them, and for how long at most. */
  sessionCacheEntries: 10_000,
  sessionCacheMs: 60_000,
  eventLoopSampleMs: 200,
  cache: Object.freeze({
    entries: 10_000,
    bytes: 32 * 1024 * 1024,
    localBytes: 16 * 1024 * 1024,
    dashboardTtlMs: 60_000,
    listTtlMs: 60_000,
  }),
  /** Rows per statement when syncs and imports upsert interactions. */
  interactionBatchRows: 500,
  /** The dashboard lists dates this many days ahead, at most upcomingMax of them. */
  dashboard: Object.freeze({ upcomingDays: 30, upcomingMax: 100 }),
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
  photo: Object.freeze({
    uploadBytes: 10 * 1024 * 1024,
    maxPixels: 40_000_000,
    concurrency: 2,
    queue: 32,
    uploadTimeoutMs: 120_000,
    size: 400,
    uploadsPerUser: Object.freeze({ max: 2_000, windowMs: 60 * 60_000 }),
  }),
});
