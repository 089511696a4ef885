import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { contactPhotos, goals, interactions, tasks } from '../../db/schema/index.js';

/** The tables whose deletes are soft (deleted_at) so that Undo can bring a row back. */
const SOFT_DELETE_TABLES = [interactions, goals, tasks, contactPhotos];

export function createTrashRepo(db: Db) {
  return {
    /**
     * Hard-deletes at most `limit` rows per table soft-deleted before `cutoff`; answers the users
     * whose rows went. Soft-deleted interactions are already out of the per-day counts, so their
     * purge leaves the counts alone (see the trigger in drizzle/0006).
     */
    async purge(cutoff: Date, limit: number): Promise<{ userIds: string[]; rows: number }> {
      const users = new Set<string>();
      let rows = 0;
      for (const table of SOFT_DELETE_TABLES) {
        const gone = await queryRows<{ user_id: string }>(
          db,
          sql`
          delete from ${table} where id in (
            select id from ${table} where deleted_at is not null and deleted_at < ${cutoff.toISOString()}::timestamptz limit ${limit})
          returning user_id`,
        );
        rows += gone.length;
        for (const r of gone) users.add(r.user_id);
      }
      return { userIds: [...users], rows };
    },
  };
}
export type TrashRepo = ReturnType<typeof createTrashRepo>;
