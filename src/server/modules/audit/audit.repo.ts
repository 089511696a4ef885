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
