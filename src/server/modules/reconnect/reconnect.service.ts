import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { ReconnectRepo } from './reconnect.repo.js';
import type { ListReconnectQuery } from '../../../shared/api/reconnect.js';

type Deps = { repo: ReconnectRepo; cursors: CursorCodec; clock: () => Date };

const SCOPE = 'reconnect:due';

export function createReconnectService({ repo, cursors, clock }: Deps) {
  return {
    /** Contacts to get back in touch with, most overdue first; JSON text. */
    async list(actor: Actor, query: ListReconnectQuery): Promise<string> {
      const after = query.cursor ? cursors.decode(SCOPE, query.cursor) : undefined;
      const rows = await repo.findPage(actor.userId, clock(), DEFAULT_KEEP_IN_TOUCH_DAYS, query.limit, after);
      return cursors.jsonPage(SCOPE, rows, query.limit);
    },
  };
}
