import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Db } from '../../platform/db.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';
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
  destroy(idHash: string, userId?: string): Promise<boolean>;
  destroyAllForUser(userId: string, exceptIdHash?: string): Promise<void>;
  list(userId: string): Promise<SessionRecord[]>;
  /** Removes expired and idle sessions (Redis expires keys by itself). */
  deleteExpired(): Promise<void>;
};

export const hashSessionToken = (token: string) => sha256(token);

type StoreDeps = { clock: () => Date; ttlDays: number; idleDays: number };

const DAY_MS = 86_400_000;
/** Ends at its absolute expiry, or once unused for the idle timeout, whichever comes first; checked at every request. */
const isLive = (record: SessionRecord, now: Date, idleDays: number) =>
  record.expiresAt > now && now.getTime() - record.lastSeenAt.getTime() <= idleDays * DAY_MS;
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
      return created;
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
      if (now.getTime() - record.lastSeenAt.getTime() > LIMITS.sessionTouchMs) {
        await repo.touch(record.idHash, now);
        record = { ...record, lastSeenAt: now };
        recent.set(idHash, record, { noUpdateTTL: true });
      }
      return record;
    },
    // The row goes first, then the kept copy: a lookup racing the sign-out cannot bring it back.
    async destroy(idHash, userId) {
      const deleted = await repo.delete(idHash, userId);
      if (deleted) recent.delete(idHash);
      return deleted;
    },
    async destroyAllForUser(userId, except) {
      await repo.deleteForUser(userId, except);
      for (const [idHash, record] of [...recent.entries()]) if (record.userId === userId && idHash !== except) recent.delete(idHash);
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

export function createRedisSessionStore(redis: Redis, deps: StoreDeps): SessionStore {
  const key = (idHash: string) => `sess:${idHash}`;
  const userKey = (userId: string) => `user-sess:${userId}`;
  const save = async (record: SessionRecord) => {
    // Redis drops the key at the absolute end or after the idle timeout, whichever comes first.
    const ttl = Math.min(record.expiresAt.getTime() - deps.clock().getTime(), deps.idleDays * DAY_MS);
    await redis
      .multi()
      .set(key(record.idHash), JSON.stringify(record), 'PX', Math.max(ttl, 1))
      .sadd(userKey(record.userId), record.idHash)
      .pexpire(userKey(record.userId), deps.ttlDays * 86_400_000)
      .exec();
  };
  const load = async (idHash: string) => {
    const raw = await redis.get(key(idHash));
    return raw ? revive(JSON.parse(raw) as StoredSession) : undefined;
  };
  return {
    async create(userId, meta) {
      const created = newRecord(userId, meta, deps);
      await save(created.record);
      return created;
    },
    async get(token) {
      const now = deps.clock();
      const record = await load(hashSessionToken(token));
      if (!record || !isLive(record, now, deps.idleDays)) return undefined;
      if (now.getTime() - record.lastSeenAt.getTime() > LIMITS.sessionTouchMs) {
        await save({ ...record, lastSeenAt: now });
      }
      return record;
    },
    async destroy(idHash, userId) {
      const record = await load(idHash);
      if (!record || (userId && record.userId !== userId)) return false;
      await redis.multi().del(key(idHash)).srem(userKey(record.userId), idHash).exec();
      return true;
    },
    async destroyAllForUser(userId, exceptIdHash) {
      const ids = (await redis.smembers(userKey(userId))).filter((id) => id !== exceptIdHash);
      if (!ids.length) return;
      await redis
        .multi()
        .del(...ids.map(key))
        .srem(userKey(userId), ...ids)
        .exec();
    },
    async list(userId) {
      const ids = await redis.smembers(userKey(userId));
      if (!ids.length) return [];
      const raws = await redis.mget(...ids.map(key));
      const now = deps.clock();
      const live = raws
        .flatMap((raw) => (raw ? [revive(JSON.parse(raw) as StoredSession)] : []))
        .filter((s) => isLive(s, now, deps.idleDays));
      const stale = ids.filter((_, i) => !raws[i]);
      if (stale.length) await redis.srem(userKey(userId), ...stale);
      return live.sort((a, b) => a.lastSeenAt.getTime() - b.lastSeenAt.getTime());
    },
    async deleteExpired() {},
  };
}
