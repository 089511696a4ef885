import { sql, type SQL } from 'drizzle-orm';
import { contacts } from './schema/index.js';
import { queryRows, type Db } from '../platform/db.js';
import type { KeyedJsonRow } from '../platform/cursor.js';

/**
 * One statement: a page of one contact's rows (timeline, goals, photos), newest first, or
 * undefined when the contact is not the user's — a contact with no rows answers one row of nulls,
 * so "empty" and "not yours" differ. `page` is the lateral subquery; it may use `c` (the contact)
 * and must select j (JSON text), k (cursor key), at (sort value) and id, ordered and limited.
 */
export async function findContactChildPage(db: Db, userId: string, contactId: string, page: SQL): Promise<KeyedJsonRow[] | undefined> {
  const rows = await queryRows<{ j: string | null; k: string | null; id: string | null }>(
    db,
    sql`
    select p.j, p.k, p.id
    from ${contacts} c
    left join lateral (${page}) p on true
    where c.user_id = ${userId} and c.id = ${contactId}
    order by p.at desc, p.id desc`,
  );
  if (!rows.length) return undefined;
  return rows.filter((r): r is KeyedJsonRow => r.j !== null);
}
