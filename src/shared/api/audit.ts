import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { AUDIT_ACTIONS } from '../domain.js';

/** The kinds the filter takes: an action, or the part before its dot ('auth', 'consent', 'export'…). */
export const AUDIT_KINDS = [...new Set(AUDIT_ACTIONS.map((a) => a.split('.')[0]!))].sort();

export const listAuditQuery = z.strictObject({
  ...pageQueryFields,
  kind: z
    .string()
    .trim()
    .refine((k) => (AUDIT_ACTIONS as readonly string[]).includes(k) || AUDIT_KINDS.includes(k), {
      message: `must be an action (such as auth.sign_in) or one of ${AUDIT_KINDS.join(', ')}`,
    })
    .optional(),
});
export type ListAuditQuery = z.output<typeof listAuditQuery>;

export const auditEntryResponse = z.strictObject({
  id: z.uuid(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.uuid().nullable(),
  /** Ids, counts and the names needed to read the entry (removed when the contact is erased). */
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: dateTimeOut,
});
export const auditPageResponse = z.strictObject({ items: z.array(auditEntryResponse), nextCursor: z.string().nullable() });

export type AuditEntryItem = z.infer<typeof auditEntryResponse>;
export type AuditPage = z.infer<typeof auditPageResponse>;
