import { and, asc, count, eq, lte, sql } from 'drizzle-orm';
import { calendarSubscriptions } from '../../db/schema/index.js';
import { type Db, transactionRunner } from '../../platform/db.js';
import { recordAudit } from '../audit/audit.repo.js';
import type { CalendarCounts } from '../../../shared/api/imports.js';

export type SubscriptionRow = typeof calendarSubscriptions.$inferSelect;

/** What a fetch leaves on the subscription. */
export type FetchOutcome =
  | { status: 'ok'; etag?: string | null; lastModified?: string | null; counts?: CalendarCounts }
  | { status: 'failed'; error: string };

export function createSubscriptionsRepo(db: Db) {
  const transaction = transactionRunner(db);
  return {
    async list(userId: string): Promise<SubscriptionRow[]> {
      return db
        .select()
        .from(calendarSubscriptions)
        .where(eq(calendarSubscriptions.userId, userId))
        .orderBy(asc(calendarSubscriptions.createdAt), asc(calendarSubscriptions.id));
    },

    async find(userId: string, id: string): Promise<SubscriptionRow | undefined> {
      const [row] = await db
        .select()
        .from(calendarSubscriptions)
        .where(and(eq(calendarSubscriptions.userId, userId), eq(calendarSubscriptions.id, id)));
      return row;
    },

    async countFor(userId: string): Promise<number> {
      const [row] = await db.select({ n: count() }).from(calendarSubscriptions).where(eq(calendarSubscriptions.userId, userId));
      return row?.n ?? 0;
    },

    /** The subscription and its audit entry (without the URL); undefined when the user has this URL already. */
    async insert(userId: string, url: string): Promise<SubscriptionRow | undefined> {
      return transaction(async (tx) => {
        const [row] = await tx.insert(calendarSubscriptions).values({ userId, url }).onConflictDoNothing().returning();
        if (row) {
          await recordAudit(tx, { userId, action: 'calendar_subscription.added', entityType: 'calendar_subscription', entityId: row.id });
        }
        return row;
      });
    },

    async remove(userId: string, id: string): Promise<boolean> {
      return transaction(async (tx) => {
        const gone = await tx
          .delete(calendarSubscriptions)
          .where(and(eq(calendarSubscriptions.userId, userId), eq(calendarSubscriptions.id, id)))
          .returning({ id: calendarSubscriptions.id });
        if (gone.length) {
          await recordAudit(tx, { userId, action: 'calendar_subscription.removed', entityType: 'calendar_subscription', entityId: id });
        }
        return gone.length > 0;
      });
    },

    async saveFetch(id: string, outcome: FetchOutcome, at: Date, next: Date): Promise<void> {
      const common = { lastFetchedAt: at, nextFetchAt: next, updatedAt: sql`now()` };
      if (outcome.status === 'failed') {
        await db
          .update(calendarSubscriptions)
          .set({ ...common, status: 'failed', lastError: outcome.error })
          .where(eq(calendarSubscriptions.id, id));
        return;
      }
      await db
        .update(calendarSubscriptions)
        .set({
          ...common,
          status: 'ok',
          lastError: null,
          ...(outcome.etag !== undefined ? { etag: outcome.etag } : {}),
          ...(outcome.lastModified !== undefined ? { lastModified: outcome.lastModified } : {}),
          ...(outcome.counts ? { lastCounts: outcome.counts } : {}),
        })
        .where(eq(calendarSubscriptions.id, id));
    },

    /** Subscriptions whose next fetch is due, oldest first. */
    async due(at: Date, limit: number): Promise<SubscriptionRow[]> {
      return db
        .select()
        .from(calendarSubscriptions)
        .where(lte(calendarSubscriptions.nextFetchAt, at))
        .orderBy(asc(calendarSubscriptions.nextFetchAt))
        .limit(limit);
    },
  };
}
export type SubscriptionsRepo = ReturnType<typeof createSubscriptionsRepo>;
