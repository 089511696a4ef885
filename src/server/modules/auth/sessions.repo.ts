import { and, eq, gt, lt, ne, or } from 'drizzle-orm';
import type { Db } from '../../platform/db.js';
import { sessions } from '../../db/schema/index.js';
import type { SessionRecord } from './session-store.js';

export function createSessionsRepo(db: Db) {
  return {
    async insert(row: SessionRecord): Promise<void> {
      await db.insert(sessions).values(row);
    },
    async findLive(idHash: string, now: Date): Promise<SessionRecord | undefined> {
      const [row] = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)))
        .limit(1);
      return row;
    },
    async touch(idHash: string, now: Date): Promise<void> {
      await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
    },
    /** Answers the owner of the deleted session, or undefined when there was none. */
    async delete(idHash: string, userId?: string): Promise<string | undefined> {
      const where = userId ? and(eq(sessions.idHash, idHash), eq(sessions.userId, userId)) : eq(sessions.idHash, idHash);
      const [row] = await db.delete(sessions).where(where).returning({ userId: sessions.userId });
      return row?.userId;
    },
    async deleteForUser(userId: string, exceptIdHash?: string): Promise<void> {
      const where = exceptIdHash ? and(eq(sessions.userId, userId), ne(sessions.idHash, exceptIdHash)) : eq(sessions.userId, userId);
      await db.delete(sessions).where(where);
    },
    async listForUser(userId: string, now: Date, idleSince: Date): Promise<SessionRecord[]> {
      return db
        .select()
        .from(sessions)
        .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now), gt(sessions.lastSeenAt, idleSince)))
        .orderBy(sessions.lastSeenAt);
    },
    async deleteExpired(now: Date, idleSince: Date): Promise<void> {
      await db.delete(sessions).where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleSince)));
    },
  };
}
