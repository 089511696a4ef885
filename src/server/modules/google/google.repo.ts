import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { emails, oauthConnections, oauthStates, syncState } from '../../db/schema/index.js';
import { transactionRunner, type Db } from '../../platform/db.js';
import { contactsWithAnyEmail } from '../contacts/contacts.repo.js';

const PROVIDER = 'google';
/** The sync_state provider of each synced service. */
type SyncProvider = 'google_calendar' | 'gmail' | 'google_drive';

export type ConnectionRow = typeof oauthConnections.$inferSelect;
export type SyncStateRow = typeof syncState.$inferSelect;
export type OAuthStateRow = typeof oauthStates.$inferSelect;

/** The Google connection, its pending OAuth states and its sync cursors; every query scoped by user. */
/**
 * `changed` is the services' onChange: the connection's status and the syncs' status rows are written
 * by sync jobs and token refreshes as well as by routes, so the two writes outside a transaction
 * (`update`, `putSyncState`) call it themselves after they commit, and the cached connection and sync
 * status pages are read anew. Writes inside a caller's transaction leave it to the caller.
 */
export function createGoogleRepo(db: Db, changed: (userId: string) => Promise<void>) {
  return {
    transaction: transactionRunner(db),

    async saveState(row: OAuthStateRow, now: Date): Promise<void> {
      // Expired states of anyone are dropped on the way (an index range on expires_at).
      await db.delete(oauthStates).where(lt(oauthStates.expiresAt, now));
      await db.insert(oauthStates).values(row);
    },

    /** Takes a state: read and deleted in one statement, so it can be used once only. */
    async takeState(stateHash: string): Promise<OAuthStateRow | undefined> {
      const [row] = await db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
      return row;
    },

    async find(userId: string): Promise<ConnectionRow | undefined> {
      const [row] = await db
        .select()
        .from(oauthConnections)
        .where(and(eq(oauthConnections.userId, userId), eq(oauthConnections.provider, PROVIDER)));
      return row;
    },

    async upsert(
      tx: Db,
      userId: string,
      values: Pick<
        ConnectionRow,
        'providerAccountId' | 'accountEmail' | 'scopes' | 'accessTokenEnc' | 'refreshTokenEnc' | 'expiresAt' | 'services'
      >,
      now: Date,
    ): Promise<void> {
      await tx
        .insert(oauthConnections)
        .values({ userId, provider: PROVIDER, ...values, status: 'active', createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [oauthConnections.userId, oauthConnections.provider],
          set: { ...values, status: 'active', revokedAt: null, updatedAt: now },
        });
    },

    async update(userId: string, set: Partial<Omit<ConnectionRow, 'id' | 'userId' | 'provider'>>, now: Date): Promise<void> {
      await db
        .update(oauthConnections)
        .set({ ...set, updatedAt: now })
        .where(and(eq(oauthConnections.userId, userId), eq(oauthConnections.provider, PROVIDER)));
      await changed(userId);
    },

    async remove(tx: Db, userId: string): Promise<boolean> {
      const rows = await tx
        .delete(oauthConnections)
        .where(and(eq(oauthConnections.userId, userId), eq(oauthConnections.provider, PROVIDER)))
        .returning({ id: oauthConnections.id });
      await tx
        .delete(syncState)
        .where(and(eq(syncState.userId, userId), sql`${syncState.provider} in ('google_calendar', 'gmail', 'google_drive')`));
      return rows.length > 0;
    },

    /** Users whose sync of `service` runs on schedule: connected, active, that service on (system job, all users). */
    async scheduledUsers(service: 'calendar' | 'gmail' | 'drive'): Promise<string[]> {
      const rows = await db
        .select({ userId: oauthConnections.userId })
        .from(oauthConnections)
        .where(
          and(
            eq(oauthConnections.provider, PROVIDER),
            eq(oauthConnections.status, 'active'),
            sql`${service} = any(${oauthConnections.services})`,
          ),
        );
      return rows.map((r) => r.userId);
    },

    async syncStates(userId: string, provider: SyncProvider = 'google_calendar'): Promise<SyncStateRow[]> {
      return db
        .select()
        .from(syncState)
        .where(and(eq(syncState.userId, userId), eq(syncState.provider, provider)));
    },

    /** Writes one cursor or status row (resourceId '' is the service's own status). */
    async putSyncState(
      userId: string,
      resourceId: string,
      set: Partial<
        Pick<SyncStateRow, 'syncToken' | 'status' | 'lastError' | 'itemsSynced' | 'stats' | 'lastStartedAt' | 'lastSyncedAt' | 'jobId'>
      >,
      now: Date,
      provider: SyncProvider = 'google_calendar',
    ): Promise<void> {
      await db
        .insert(syncState)
        .values({ userId, provider, resourceId, ...set, updatedAt: now })
        .onConflictDoUpdate({ target: [syncState.userId, syncState.provider, syncState.resourceId], set: { ...set, updatedAt: now } });
      await changed(userId);
    },

    /** One statement: which of these Gmail message ids this user has stored already. */
    async storedMessageIds(userId: string, ids: readonly string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await db
        .select({ id: emails.gmailMessageId })
        .from(emails)
        .where(and(eq(emails.userId, userId), inArray(emails.gmailMessageId, [...ids])));
      return new Set(rows.map((r) => r.id));
    },

    /** One statement for a page of messages; a message stored already is left as it is. Answers how many were new. */
    async insertEmails(rows: (typeof emails.$inferInsert)[]): Promise<number> {
      if (!rows.length) return 0;
      const inserted = await db
        .insert(emails)
        .values(rows)
        .onConflictDoNothing({ target: [emails.userId, emails.gmailMessageId] })
        .returning({ id: emails.id });
      return inserted.length;
    },

    /** The user's contacts that have any of these emails, as (email, contact id) pairs: one statement. */
    async contactsByEmail(userId: string, emails: readonly string[]): Promise<{ email: string; id: string }[]> {
      const wanted = new Set(emails.map((e) => e.toLowerCase()));
      const rows = await contactsWithAnyEmail(db, userId, [...wanted]);
      return rows.flatMap((r) => [...new Set(r.emails)].filter((e) => wanted.has(e)).map((email) => ({ email, id: r.id })));
    },
  };
}
export type GoogleRepo = ReturnType<typeof createGoogleRepo>;
