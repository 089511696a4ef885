import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../platform/db.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';
import type { RedisHealth } from '../../platform/kv.js';
import { createSessionsRepo } from './sessions.repo.js';

export type SessionRecord = {
  idHash: string;
  userId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
};

export type SessionMeta = { userAgent?: string; ip?: string };

/** Server-side sessions: rows in the database by default, keys in Redis when it is configured. */
export type SessionStore = {
  create(userId: string, meta: SessionMeta): Promise<{ token: string; record: SessionRecord }>;
  get(token: string): Promise<SessionRecord | undefined>;
  /**
   * The session when this process holds a live copy that needs no last-seen write, without a
   * promise; undefined means "ask get()". Only a store whose copies are authoritative has it.
   */
  peek?(token: string): SessionRecord | undefined;
  destroy(idHash: string, userId?: string): Promise<boolean>;
  destroyAllForUser(userId: string, exceptIdHash?: string): Promise<void>;
  list(userId: string): Promise<SessionRecord[]>;
  /** Removes expired and idle sessions (Redis expires keys by itself). */
  deleteExpired(): Promise<void>;
};

export const hashSessionToken = (token: string) => sha256(token);

type StoreDeps = {
  clock: () => Date;
  ttlDays: number;
  idleDays: number;
  /** Called after a session of the user is created, touched or ended: the sessions page is a cached read. */
  changed: (userId: string) => Promise<void>;
};

const DAY_MS = 86_400_000;
/** Ends at its absolute expiry, or once unused for the idle timeout, whichever comes first; checked at every request. */
const isLive = (record: SessionRecord, now: Date, idleDays: number) =>
  record.expiresAt > now && now.getTime() - record.lastSeenAt.getTime() <= idleDays * DAY_MS;
/** Last seen is written at most every LIMITS.sessionTouchMs: a few minutes of precision is enough for the sessions page. */
const isDueForTouch = (record: SessionRecord, now: Date) => now.getTime() - record.lastSeenAt.getTime() > LIMITS.sessionTouchMs;
const idleSince = (now: Date, idleDays: number) => new Date(now.getTime() - idleDays * DAY_MS);

function newRecord(userId: string, meta: SessionMeta, { clock, ttlDays }: StoreDeps) {
  const token = randomToken(32);
  const now = clock();
  const record: SessionRecord = {
    idHash: hashSessionToken(token),
    userId,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
    ip: meta.ip ?? null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ttlDays * 86_400_000),
  };
  return { token, record };
}

/**
 * Sessions as rows. Without Redis this process is the only server (scaling out needs REDIS_URL), so
 * it keeps the sessions it has read in memory: sign-out, sign-out everywhere and password changes
 * all go through this store and drop them at once. An entry is still re-read from the database
 * after LIMITS.sessionCacheMs, which bounds what an unsupported second process could miss.
 */
export function createDbSessionStore(db: Db, deps: StoreDeps): SessionStore {
  const repo = createSessionsRepo(db);
  const recent = new LRUCache<string, SessionRecord>({ max: LIMITS.sessionCacheEntries, ttl: LIMITS.sessionCacheMs });
  return {
    async create(userId, meta) {
      const created = newRecord(userId, meta, deps);
      await repo.insert(created.record);
      await deps.changed(userId);
      return created;
    },
    peek(token) {
      const now = deps.clock();
      const record = recent.get(hashSessionToken(token));
      if (!record || !isLive(record, now, deps.idleDays) || isDueForTouch(record, now)) return undefined;
      return record;
    },
    async get(token) {
      const now = deps.clock();
      const idHash = hashSessionToken(token);
      let record = recent.get(idHash);
      if (!record) {
        record = await repo.findLive(idHash, now);
        if (record) recent.set(idHash, record);
      }
      if (!record || !isLive(record, now, deps.idleDays)) {
        recent.delete(idHash);
        return undefined;
      }
      // Writing last-seen on every request would turn every read into a write; a few minutes of
      // precision is enough for the sessions page.
      if (isDueForTouch(record, now)) {
        await repo.touch(record.idHash, now);
        record = { ...record, lastSeenAt: now };
        recent.set(idHash, record, { noUpdateTTL: true });
        await deps.changed(record.userId);
      }
      return record;
    },
    // The row goes first, then the kept copy: a lookup racing the sign-out cannot bring it back.
    async destroy(idHash, userId) {
      const owner = await repo.delete(idHash, userId);
      if (!owner) return false;
      recent.delete(idHash);
      await deps.changed(owner);
      return true;
    },
    async destroyAllForUser(userId, except) {
      await repo.deleteForUser(userId, except);
      for (const [idHash, record] of [...recent.entries()]) if (record.userId === userId && idHash !== except) recent.delete(idHash);
      await deps.changed(userId);
    },
    list: (userId) => {
      const now = deps.clock();
      return repo.listForUser(userId, now, idleSince(now, deps.idleDays));
    },
    deleteExpired: () => {
      const now = deps.clock();
      return repo.deleteExpired(now, idleSince(now, deps.idleDays));
    },
  };
}

type StoredSession = Omit<SessionRecord, 'createdAt' | 'lastSeenAt' | 'expiresAt'> & {
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
};
const revive = (s: StoredSession): SessionRecord => ({
  ...s,
  createdAt: new Date(s.createdAt),
  lastSeenAt: new Date(s.lastSeenAt),
  expiresAt: new Date(s.expiresAt),
});

/**
 * With Redis: sessions are rows in PostgreSQL (where they live) and Redis holds a copy of each for
 * the per-request lookup. While Redis is unreachable (or just back, see RedisHealth) every lookup
 * reads the row; copies that a sign-out could not delete during an outage are deleted by the
 * recovery before copies are read again.
 */
export function createRedisSessionStore(redis: Redis, db: Db, deps: StoreDeps, health: RedisHealth): SessionStore {
  const repo = createSessionsRepo(db);
  const key = (idHash: string) => `sess:${idHash}`;
  const userKey = (userId: string) => `user-sess:${userId}`;
  // Copies that must go before copies are read again (revoked while Redis was unreachable).
  const pendingIds = new Set<string>();
  const pendingUsers = new Set<string>();
  health.onRecovery(async () => {
    for (const userId of [...pendingUsers]) {
      const ids = await redis.smembers(userKey(userId));
      if (ids.length) await redis.del(...ids.map(key));
      pendingUsers.delete(userId);
    }
    if (pendingIds.size) await redis.del(...[...pendingIds].map(key));
    pendingIds.clear();
  });
  const save = async (record: SessionRecord) => {
    // Redis drops the key at the absolute end or after the idle timeout, whichever comes first.
    const ttl = Math.min(record.expiresAt.getTime() - deps.clock().getTime(), deps.idleDays * DAY_MS);
    try {
      if (!health.usable()) return;
      await redis
        .multi()
        .set(key(record.idHash), JSON.stringify(record), 'PX', Math.max(ttl, 1))
        .sadd(userKey(record.userId), record.idHash)
        .pexpire(userKey(record.userId), deps.ttlDays * 86_400_000)
        .exec();
    } catch {
      health.failed();
    }
  };
  const load = async (idHash: string): Promise<SessionRecord | undefined> => {
    if (health.usable()) {
      try {
        const raw = await redis.get(key(idHash));
        if (raw) return revive(JSON.parse(raw) as StoredSession);
      } catch {
        health.failed();
        return repo.findLive(idHash, deps.clock());
      }
    }
    const row = await repo.findLive(idHash, deps.clock());
    if (row) await save(row);
    return row;
  };
  const dropCopies = async (ids: string[], userId: string) => {
    try {
      if (!health.usable()) throw new Error('redis unusable');
      await redis
        .multi()
        .del(...ids.map(key))
        .srem(userKey(userId), ...ids)
        .exec();
    } catch {
      for (const id of ids) pendingIds.add(id);
      health.failed();
    }
  };
  return {
    async create(userId, meta) {
      const created = newRecord(userId, meta, deps);
      await repo.insert(created.record);
      await save(created.record);
      await deps.changed(userId);
      return created;
    },
    async get(token) {
      const now = deps.clock();
      const record = await load(hashSessionToken(token));
      if (!record || !isLive(record, now, deps.idleDays)) return undefined;
      if (isDueForTouch(record, now)) {
        await repo.touch(record.idHash, now);
        await save({ ...record, lastSeenAt: now });
        await deps.changed(record.userId);
      }
      return record;
    },
    // The row goes first, then the copy: a lookup racing the sign-out cannot bring it back.
    async destroy(idHash, userId) {
      const record = await load(idHash);
      if (!record || (userId && record.userId !== userId)) return false;
      const owner = await repo.delete(idHash, userId);
      await dropCopies([idHash], record.userId);
      if (owner) await deps.changed(owner);
      return owner !== undefined;
    },
    async destroyAllForUser(userId, exceptIdHash) {
      await repo.deleteForUser(userId, exceptIdHash);
      try {
        if (!health.usable()) throw new Error('redis unusable');
        const ids = (await redis.smembers(userKey(userId))).filter((id) => id !== exceptIdHash);
        if (ids.length) await dropCopies(ids, userId);
      } catch {
        // Which copies exist is unknown: on recovery every copy of the user goes (the current
        // session is read from its row again).
        pendingUsers.add(userId);
        health.failed();
      }
      await deps.changed(userId);
    },
    list(userId) {
      const now = deps.clock();
      return repo.listForUser(userId, now, idleSince(now, deps.idleDays));
    },
    deleteExpired() {
      const now = deps.clock();
      return repo.deleteExpired(now, idleSince(now, deps.idleDays));
    },
  };
}
