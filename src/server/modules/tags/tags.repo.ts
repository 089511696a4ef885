import { and, eq, sql } from 'drizzle-orm';
import { isUniqueViolation, type Db } from '../../platform/db.js';
import { contactTags, tags } from '../../db/schema/index.js';
import type { CursorPosition } from '../../platform/cursor.js';

export type TagView = { id: string; name: string; color: string; contactCount: number; createdAt: Date };

const tagColumns = {
  id: tags.id,
  name: tags.name,
  color: tags.color,
  createdAt: tags.createdAt,
  contactCount: sql<number>`(select count(*)::int from ${contactTags} ct where ct.tag_id = ${tags.id})`.as('contact_count'),
};

export function createTagsRepo(db: Db) {
  return {
    /** sortKey is the name as PostgreSQL lower-cases it: JavaScript's toLowerCase differs ("İ"). */
    async findPage(userId: string, limit: number, after?: CursorPosition): Promise<(TagView & { sortKey: string })[]> {
      const afterSql = after ? sql` and (lower(${tags.name}), ${tags.id}) > (${after.key}, ${after.id}::uuid)` : sql``;
      return db
        .select({ ...tagColumns, sortKey: sql<string>`lower(${tags.name})` })
        .from(tags)
        .where(sql`${tags.userId} = ${userId}${afterSql}`)
        .orderBy(sql`lower(${tags.name})`, tags.id)
        .limit(limit + 1);
    },
    async findOne(userId: string, id: string): Promise<TagView | undefined> {
      const [row] = await db
        .select(tagColumns)
        .from(tags)
        .where(and(eq(tags.userId, userId), eq(tags.id, id)));
      return row;
    },
    /** Undefined when the name is taken (names are unique per user, ignoring case). */
    async insert(userId: string, values: { name: string; color?: string }): Promise<string | undefined> {
      const [row] = await db
        .insert(tags)
        .values({ ...values, userId })
        .onConflictDoNothing()
        .returning({ id: tags.id });
      return row?.id;
    },
    /** The unique index decides a name clash, so two renames racing to one name cannot both win. */
    async update(
      userId: string,
      id: string,
      values: { name?: string; color?: string },
      now: Date,
    ): Promise<'updated' | 'missing' | 'name_taken'> {
      try {
        const rows = await db
          .update(tags)
          .set({ ...values, updatedAt: now })
          .where(and(eq(tags.userId, userId), eq(tags.id, id)))
          .returning({ id: tags.id });
        return rows.length > 0 ? 'updated' : 'missing';
      } catch (err) {
        if (isUniqueViolation(err)) return 'name_taken';
        throw err;
      }
    },
    async delete(userId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(tags)
        .where(and(eq(tags.userId, userId), eq(tags.id, id)))
        .returning({ id: tags.id });
      return rows.length > 0;
    },
    /** Moves every contact of `fromId` onto `intoId`, then removes `fromId`. Both must be the user's. */
    async merge(userId: string, fromId: string, intoId: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const owned = await tx
          .select({ id: tags.id })
          .from(tags)
          .where(sql`${tags.userId} = ${userId} and ${tags.id} in (${fromId}, ${intoId})`)
          .for('update');
        if (owned.length !== 2) return false;
        await tx.execute(sql`
          insert into ${contactTags} (contact_id, tag_id, user_id)
          select contact_id, ${intoId}, user_id from ${contactTags} where tag_id = ${fromId} and user_id = ${userId}
          on conflict do nothing`);
        await tx.delete(tags).where(and(eq(tags.userId, userId), eq(tags.id, fromId)));
        return true;
      });
    },
  };
}
export type TagsRepo = ReturnType<typeof createTagsRepo>;
