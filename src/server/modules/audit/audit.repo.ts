import { sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import type { Db } from '../../platform/db.js';
import { requestContext } from '../../platform/request-context.js';
import type { AuditAction } from '../../../shared/domain.js';

export type AuditEntry = {
  userId: string;
  action: AuditAction;
  /** The kind of record the action touched: 'contact', 'account', 'merge', 'session', ... */
  entityType: string;
  entityId?: string | null;
  /** Ids, counts and the names needed to read the entry; never notes, emails or other client content. */
  details?: Record<string, unknown>;
};

/**
 * Appends one audit entry. Pass the transaction of the action it records, so both commit or
 * neither does; the request id is taken from the request being served, when there is one.
 */
export async function recordAudit(db: Pick<Db, 'insert'>, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    userId: entry.userId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    details: entry.details ?? {},
    requestId: requestContext.get()?.requestId ?? null,
  });
}

/**
 * Keeps a contact's audit entries when the contact is erased, minus the names they carried: the
 * entry still says what happened and when, to an id that no longer names anyone. Call it in the
 * erasure's transaction.
 */
export async function anonymiseAuditForContact(tx: Pick<Db, 'execute'>, userId: string, contactId: string): Promise<void> {
  await tx.execute(sql`
    update ${auditLog} set details = details - 'name' - 'contactName' - 'names'
    where user_id = ${userId} and (entity_id = ${contactId} or details->>'contactId' = ${contactId})`);
}
