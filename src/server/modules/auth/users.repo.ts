import { and, eq, isNull, sql } from 'drizzle-orm';
import { isUniqueViolation, transactionRunner, type Db } from '../../platform/db.js';
import { users, type UserSettings } from '../../db/schema/index.js';
import { recordAudit, type AuditEntry } from '../audit/audit.repo.js';

export type UserRow = typeof users.$inferSelect;

/** `changed` runs after each audited write commits: the audit log is a cached read. */
export function createUsersRepo(db: Db, changed: (userId: string) => Promise<void>) {
  return {
    /** Answers undefined when the email (or the Google account) already has an account. */
    async insert(values: {
      email: string;
      passwordHash: string | null;
      displayName: string;
      timezone?: string;
      googleSub?: string;
    }): Promise<UserRow | undefined> {
      const [row] = await db.insert(users).values(values).onConflictDoNothing().returning();
      return row;
    },
    async findByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
      return row;
    },
    async findByGoogleSub(sub: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.googleSub, sub)).limit(1);
      return row;
    },
    /**
     * Links a Google account to an account not linked yet, with its audit entry, in one transaction.
     * False when the account is gone or was linked meanwhile, or the Google account is linked elsewhere.
     */
    async linkGoogle(id: string, sub: string, now: Date, audit: AuditEntry): Promise<boolean> {
      let linked: boolean;
      try {
        linked = await transactionRunner(db)(async (tx) => {
          const rows = await tx
            .update(users)
            .set({ googleSub: sub, updatedAt: now })
            .where(and(eq(users.id, id), isNull(users.googleSub)))
            .returning({ id: users.id });
          if (rows.length) await recordAudit(tx, audit);
          return rows.length > 0;
        });
      } catch (err) {
        // The Google account signed another account in meanwhile.
        if (isUniqueViolation(err)) return false;
        throw err;
      }
      if (linked) await changed(id);
      return linked;
    },
    async findById(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row;
    },
    /** Changes the password and records the audit entry, in one transaction. */
    async updatePassword(id: string, passwordHash: string, now: Date, audit: AuditEntry): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, id));
        await recordAudit(tx, audit);
      });
      await changed(id);
    },
    /** An account event (sign-in, sign-out…): sessions live in their own store (maybe Redis), so the entry is written on its own. */
    async audit(entry: AuditEntry): Promise<void> {
      await recordAudit(db, entry);
      await changed(entry.userId);
    },
    async updateProfile(
      id: string,
      patch: { displayName?: string; timezone?: string; country?: string | null; settings?: UserSettings },
      now: Date,
    ): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ ...patch, updatedAt: now })
        .where(eq(users.id, id))
        .returning();
      return row;
    },
    /**
     * Deletes the account: every row of every user-owned table goes with it through ON DELETE
     * CASCADE, in one transaction. The audit entry is written in it too, and so cascades away with
     * the user (nothing of a deleted account is kept). Answers false when the account was gone.
     */
    async deleteAccount(id: string): Promise<boolean> {
      return transactionRunner(db)(async (tx) => {
        await recordAudit(tx, { userId: id, action: 'account.deleted', entityType: 'account', entityId: id });
        const rows = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id });
        return rows.length > 0;
      });
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
