import type { CursorCodec } from '../../platform/cursor.js';
import type { Db } from '../../platform/db.js';
import type { Actor } from '../../platform/http/types.js';
import { findAuditPage } from './audit.repo.js';
import type { ListAuditQuery } from '../../../shared/api/audit.js';

/** Reads the audit log; entries are written by each module, with recordAudit, in its own transactions. */
export function createAuditService({ db, cursors }: { db: Db; cursors: CursorCodec }) {
  return {
    /** One statement: the user's entries, newest first, as JSON text. */
    async list(actor: Actor, query: ListAuditQuery): Promise<string> {
      const scope = `audit:${query.kind ?? ''}`;
      const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
      const rows = await findAuditPage(db, actor.userId, { kind: query.kind, limit: query.limit, after });
      return cursors.jsonPage(scope, rows, query.limit);
    },
  };
}
