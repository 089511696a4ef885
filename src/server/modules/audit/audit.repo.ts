import { sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { queryRows, type Db } from '../../platform/db.js';
import { isoSql } from '../../db/sql-helpers.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import { escapeLike } from '../contacts/search-text.js';
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
  /** The client's address, for sign-in entries. */
  ip?: string | null;
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
    ip: entry.ip ?? null,
    requestId: requestContext.get()?.requestId ?? null,
  });
}

/** Appends several entries in one statement (a bulk action writes one entry per record it touched). */
export async function recordAudits(db: Pick<Db, 'insert'>, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  const requestId = requestContext.get()?.requestId ?? null;
  await db.insert(auditLog).values(
    entries.map((entry) => ({
      userId: entry.userId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      details: entry.details ?? {},
      ip: entry.ip ?? null,
      requestId,
    })),
  );
}

/**
 * Keeps the contacts' audit entries after their erasure but removes the names they held, in one
 * statement: call it in the transaction that erases them. Answers how many entries were changed.
 */
export async function anonymiseAuditForContacts(db: Db, userId: string, contactIds: readonly string[]): Promise<number> {
  if (!contactIds.length) return 0;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    update ${auditLog} set details = (details - 'name' - 'contactName' - 'names') || '{"erased":true}'::jsonb
    where user_id = ${userId}
      and (entity_id = any(${`{${contactIds.join(',')}}`}::uuid[]) or details->>'contactId' = any(${`{${contactIds.join(',')}}`}::text[]))
      and (details ? 'name' or details ? 'contactName' or details ? 'names')
    returning id`,
  );
  return rows.length;
}

/**
 * One statement: a page of the user's entries, newest first (created_at, then id), as JSON text
 * rows with their cursor keys. `kind` is an action ('auth.sign_in') or a prefix of one ('auth').
 */
export async function findAuditPage(
  db: Db,
  userId: string,
  page: { kind?: string; limit: number; after?: CursorPosition },
): Promise<KeyedJsonRow[]> {
  const kind = page.kind ? sql` and (a.action = ${page.kind} or a.action like ${`${escapeLike(page.kind)}.%`})` : sql``;
  const after = page.after ? sql` and (a.created_at, a.id) < (${page.after.key}::timestamptz, ${page.after.id}::uuid)` : sql``;
  return queryRows<KeyedJsonRow>(
    db,
    sql`
    select json_build_object(
      'id', a.id,
      'action', a.action,
      'entityType', a.entity_type,
      'entityId', a.entity_id,
      'details', a.details,
      'ip', a.ip,
      'requestId', a.request_id,
      'createdAt', ${isoSql(sql`a.created_at`)}
    )::text as j, ${isoSql(sql`a.created_at`)} as k, a.id
    from ${auditLog} a
    where a.user_id = ${userId}${kind}${after}
    order by a.created_at desc, a.id desc
    limit ${page.limit + 1}`,
  );
}
