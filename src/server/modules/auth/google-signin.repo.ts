import { and, eq, gt, lt } from 'drizzle-orm';
import { googlePendingLinks, googleSigninStates } from '../../db/schema/index.js';
import type { Db } from '../../platform/db.js';

export type SigninStateRow = typeof googleSigninStates.$inferSelect;
export type PendingLinkRow = typeof googlePendingLinks.$inferSelect;

/**
 * "Sign in with Google" in flight: the states sent to Google and the links waiting for a password.
 * Neither belongs to a signed-in user yet; both are found by the hash of a secret the browser holds.
 */
export function createGoogleSigninRepo(db: Db) {
  return {
    async saveState(row: SigninStateRow, now: Date): Promise<void> {
      // Expired states of anyone are dropped on the way (an index range on expires_at).
      await db.delete(googleSigninStates).where(lt(googleSigninStates.expiresAt, now));
      await db.insert(googleSigninStates).values(row);
    },

    /** Read and deleted in one statement: a state works once. */
    async takeState(stateHash: string): Promise<SigninStateRow | undefined> {
      const [row] = await db.delete(googleSigninStates).where(eq(googleSigninStates.stateHash, stateHash)).returning();
      return row;
    },

    /** One pending link per browser: a newer sign-in in the same browser replaces it. */
    async savePendingLink(row: PendingLinkRow, now: Date): Promise<void> {
      await db.delete(googlePendingLinks).where(lt(googlePendingLinks.expiresAt, now));
      await db
        .insert(googlePendingLinks)
        .values(row)
        .onConflictDoUpdate({
          target: googlePendingLinks.idHash,
          set: { userId: row.userId, googleSub: row.googleSub, expiresAt: row.expiresAt },
        });
    },

    /** The link still pending for this browser (not expired), left in place. */
    async findPendingLink(idHash: string, now: Date): Promise<PendingLinkRow | undefined> {
      const [row] = await db
        .select()
        .from(googlePendingLinks)
        .where(and(eq(googlePendingLinks.idHash, idHash), gt(googlePendingLinks.expiresAt, now)));
      return row;
    },

    /** Takes the link once the password matched: of two confirmations racing, one gets it. */
    async takePendingLink(idHash: string, now: Date): Promise<PendingLinkRow | undefined> {
      const [row] = await db
        .delete(googlePendingLinks)
        .where(and(eq(googlePendingLinks.idHash, idHash), gt(googlePendingLinks.expiresAt, now)))
        .returning();
      return row;
    },
  };
}
export type GoogleSigninRepo = ReturnType<typeof createGoogleSigninRepo>;
