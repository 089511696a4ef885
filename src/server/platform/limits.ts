/** Every limit in one place, so a reviewer can see and tune them together. */
export const LIMITS = Object.freeze({
  jsonBodyBytes: 256 * 1024,
  page: Object.freeze({ defaultSize: 50, maxSize: 200 }),
  bulkIds: 1000,
  text: Object.freeze({ name: 200, short: 500, notes: 20_000, search: 200 }),
  contact: Object.freeze({ emails: 20, phones: 20, customFields: 100, socialHandles: 20, importantDates: 50, tags: 100 }),
  password: Object.freeze({ min: 10, max: 200 }),
  login: Object.freeze({ perAccount: 10, perIp: 50, windowMs: 15 * 60_000 }),
  signup: Object.freeze({ perIp: 20, windowMs: 60 * 60_000 }),
  sessionTouchMs: 5 * 60_000,
  cache: Object.freeze({ entries: 10_000, dashboardTtlMs: 60_000 }),
  photo: Object.freeze({ uploadBytes: 10 * 1024 * 1024, maxPixels: 40_000_000, concurrency: 2, size: 400 }),
});
