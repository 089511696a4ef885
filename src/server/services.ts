import type { Redis } from 'ioredis';
import type { Config, Secrets } from './config.js';
import type { Database } from './platform/db.js';
import type { KeyValueStore } from './platform/kv.js';
import type { Metrics } from './platform/metrics.js';
import { createCursorCodec } from './platform/cursor.js';
import { createDbSessionStore, createRedisSessionStore } from './modules/auth/session-store.js';
import { createUsersRepo } from './modules/auth/users.repo.js';
import { createAuthService } from './modules/auth/auth.service.js';
import { createContactsRepo } from './modules/contacts/contacts.repo.js';
import { createContactsService } from './modules/contacts/contacts.service.js';
import { createTagsRepo } from './modules/tags/tags.repo.js';
import { createTagsService } from './modules/tags/tags.service.js';

export type ServiceDeps = {
  config: Config;
  secrets: Secrets;
  database: Database;
  kv: KeyValueStore;
  redis?: Redis;
  clock: () => Date;
  metrics: Metrics;
};

/** Every service is created once, here, and shared by all requests. */
export function createServices(deps: ServiceDeps) {
  const { config, database, kv, redis, clock } = deps;
  const db = database.db;
  const cursors = createCursorCodec(deps.secrets.sessionSecret);
  const storeDeps = { clock, ttlDays: config.sessionTtlDays };
  const sessions = redis ? createRedisSessionStore(redis, storeDeps) : createDbSessionStore(db, storeDeps);
  // Writes that change a user's practice data drop that user's cached aggregates (the dashboard).
  const onChange = async (userId: string) => kv.del(`dashboard:${userId}`);

  return {
    sessions,
    cursors,
    onChange,
    auth: createAuthService({ users: createUsersRepo(db), sessions, kv, clock }),
    contacts: createContactsService({ repo: createContactsRepo(db), cursors, clock, onChange }),
    tags: createTagsService({ repo: createTagsRepo(db), cursors, clock, onChange }),
  };
}
export type Services = ReturnType<typeof createServices>;
