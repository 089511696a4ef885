import { and, eq, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import {
  aiInsights,
  aiSuggestions,
  calendarEvents,
  consents,
  contactPhotos,
  contacts as c,
  contactTags,
  documents,
  emails,
  goals,
  interactions,
  tags,
  taskContacts,
  tasks,
} from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { contactJson, contactSummaryJson, SORT_SQL } from './contacts.sql.js';
import { escapeLike, SQL_FOLD_FROM, SQL_FOLD_TO } from './search-text.js';
import { dueContactsSql, reconnectGroupSql, type CadenceDefaults } from '../reconnect/reconnect.sql.js';
import type { ReconnectGroup } from '../../../shared/domain.js';

export type ContactRow = typeof c.$inferSelect;
export type ContactWrite = Omit<typeof c.$inferInsert, 'id' | 'userId' | 'createdAt'>;

export type ContactFilter = {
  terms: string[];
  tagIds?: string[];
  tagMode: 'any' | 'all';
  stages?: string[];
  status?: string;
  aiConsent?: boolean;
  photoConsent?: boolean;
  lastContactBefore?: Date;
  reconnect?: { group: ReconnectGroup; now: Date; defaults: CadenceDefaults };
};
export type PageRequest = { sort: string; order: 'asc' | 'desc'; limit: number; after?: CursorPosition };

function filterSql(userId: string, f: ContactFilter): SQL {
  const where: SQL[] = [sql`${c.userId} = ${userId}`];
  // Each word matches the contact's own text (trigram index) or the name of one of its tags.
  for (const term of f.terms) {
    const pattern = `%${escapeLike(term)}%`;
    where.push(sql`${c.id} in (
      select x.id from ${c} x where x.user_id = ${userId} and x.search_text like ${pattern}
      union
      select ct.contact_id from ${contactTags} ct join ${tags} t on t.id = ct.tag_id
      where t.user_id = ${userId} and lower(translate(t.name, ${SQL_FOLD_FROM}, ${SQL_FOLD_TO})) like ${pattern})`);
  }
  if (f.tagIds?.length) {
    where.push(
      f.tagMode === 'all'
        ? // One grouped pass over the tags' links beats a count per contact (142 ms → 12 ms at 10k contacts).
          sql`${c.id} in (select ct.contact_id from ${contactTags} ct
                where ct.user_id = ${userId} and ct.tag_id in ${inList(f.tagIds)}
                group by ct.contact_id having count(*) = ${f.tagIds.length})`
        : sql`exists (select 1 from ${contactTags} ct where ct.contact_id = ${c.id} and ct.tag_id in ${inList(f.tagIds)})`,
    );
  }
  if (f.stages?.length) where.push(sql`${c.lifecycleStage} in ${inList(f.stages)}`);
  if (f.status) where.push(sql`${c.status} = ${f.status}`);
  if (f.aiConsent !== undefined) where.push(sql`${c.hasAiConsent} = ${f.aiConsent}`);
  if (f.photoConsent !== undefined) where.push(sql`${c.hasPhotoConsent} = ${f.photoConsent}`);
  if (f.lastContactBefore) {
    where.push(sql`(${c.lastContactAt} is null or ${c.lastContactAt} < ${f.lastContactBefore})`);
  }
  if (f.reconnect) {
    const { group, now, defaults } = f.reconnect;
    where.push(sql`${c.id} in (select r.id from ${dueContactsSql(userId, now, defaults)} r where ${reconnectGroupSql} = ${group})`);
  }
  return sql.join(where, sql` and `);
}

export type ExportRow = {
  id: string;
  name: string;
  key: string;
  emails: string[];
  phones: string[];
  birthday: string | null;
  importantDates: { label: string; date: string }[];
  notes: string;
  customFields: Record<string, string | number | boolean | null>;
  lifecycleStage: string;
  status: string;
  tags: string[];
};

export function createContactsRepo(db: Db) {
  return {
    /** One statement: the page's rows as JSON text, plus each row's sort key for the cursor. */
    /** One statement: how many of the user's contacts match the filter. */
    async count(userId: string, filter: ContactFilter): Promise<number> {
      const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${c} where ${filterSql(userId, filter)}`);
      return row?.n ?? 0;
    },

    async findPage(userId: string, filter: ContactFilter, page: PageRequest) {
      const { expr, cast } = SORT_SQL[page.sort]!;
      const dir = page.order === 'desc' ? sql`desc` : sql`asc`;
      const cmp = page.order === 'desc' ? sql`<` : sql`>`;
      const after = page.after ? sql` and (${expr}, ${c.id}) ${cmp} (${page.after.key}::${cast}, ${page.after.id}::uuid)` : sql``;
      return queryRows<{ j: string; k: string | null; id: string }>(
        db,
        sql`
        select ${contactSummaryJson}::text as j, (${expr})::text as k, ${c.id} as id
        from ${c}
        where ${filterSql(userId, filter)}${after}
        order by ${expr} ${dir}, ${c.id} ${dir}
        limit ${page.limit + 1}`,
      );
    },

    /** One statement: the contact as JSON text with its tags and related counts. */
    async findDetailJson(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        select (${contactJson} || jsonb_build_object('counts', jsonb_build_object(
          'interactions', (select count(*) from ${interactions} i where i.contact_id = ${c.id} and i.deleted_at is null),
          'goals', (select count(*) from ${goals} g where g.contact_id = ${c.id} and g.deleted_at is null),
          'openTasks', (select count(*) from ${taskContacts} tc join ${tasks} t on t.id = tc.task_id
                        where tc.contact_id = ${c.id} and t.status in ${OPEN_STATUSES_SQL}
                          and t.deleted_at is null)
        )))::text as j
        from ${c}
        where ${c.userId} = ${userId} and ${c.id} = ${id}`,
      );
      return row?.j;
    },

    async findRow(userId: string, id: string, tx: Db = db): Promise<ContactRow | undefined> {
      const [row] = await tx
        .select()
        .from(c)
        .where(and(eq(c.userId, userId), eq(c.id, id)))
        .limit(1)
        .for('update');
      return row;
    },

    async insert(userId: string, values: ContactWrite & { name: string }, tx: Db = db): Promise<ContactRow> {
      const [row] = await tx
        .insert(c)
        .values({ ...values, userId })
        .returning();
      return row!;
    },

    async update(userId: string, id: string, values: Partial<ContactWrite>, tx: Db = db): Promise<void> {
      await tx
        .update(c)
        .set(values)
        .where(and(eq(c.userId, userId), eq(c.id, id)));
    },

    /** Replaces the contact's tag set with the caller's own tags among tagIds; returns how many were found. */
    async setTags(userId: string, contactId: string, tagIds: string[], tx: Db = db): Promise<number> {
      await tx.delete(contactTags).where(and(eq(contactTags.userId, userId), eq(contactTags.contactId, contactId)));
      if (!tagIds.length) return 0;
      const inserted = await queryRows(
        tx,
        sql`
        insert into ${contactTags} (contact_id, tag_id, user_id)
        select ${contactId}, t.id, ${userId} from ${tags} t where t.user_id = ${userId} and t.id in ${inList(tagIds)}
        returning tag_id`,
      );
      return inserted.length;
    },

    async delete(userId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(c)
        .where(and(eq(c.userId, userId), eq(c.id, id)))
        .returning({ id: c.id });
      return rows.length > 0;
    },

    async deletePreview(userId: string, id: string) {
      const count = (table: SQL, column = sql`contact_id`) => sql`(select count(*)::int from ${table} x where x.${column} = ${c.id})`;
      // Soft-deleted rows go too, but the person deleting never sees them: they are not counted.
      const live = (table: SQL) => sql`(select count(*)::int from ${table} x where x.contact_id = ${c.id} and x.deleted_at is null)`;
      const [row] = await queryRows<{ name: string; del: Record<string, number>; unlink: Record<string, number> }>(
        db,
        sql`
        select ${c.name} as name,
          json_build_object(
            'interactions', ${live(sql`${interactions}`)},
            'goals', ${live(sql`${goals}`)},
            'photos', ${live(sql`${contactPhotos}`)},
            'consents', ${count(sql`${consents}`)},
            'documents', ${count(sql`${documents}`)},
            'aiInsights', ${count(sql`${aiInsights}`)},
            'aiSuggestions', ${count(sql`${aiSuggestions}`)},
            'tagLinks', ${count(sql`${contactTags}`)},
            'taskAssignments', ${count(sql`${taskContacts}`)}
          ) as del,
          json_build_object(
            'calendarEvents', ${count(sql`${calendarEvents}`)},
            'emails', ${count(sql`${emails}`)}
          ) as unlink
        from ${c} where ${c.userId} = ${userId} and ${c.id} = ${id}`,
      );
      return row;
    },

    /** The subset of ids that belong to the user. */
    async findOwnedIds(userId: string, ids: string[], tx: Db = db): Promise<string[]> {
      if (!ids.length) return [];
      const rows = await tx
        .select({ id: c.id })
        .from(c)
        .where(sql`${c.userId} = ${userId} and ${c.id} in ${inList(ids)}`);
      return rows.map((r) => r.id);
    },

    async findOwnedTagIds(userId: string, tagIds: string[], tx: Db = db): Promise<string[]> {
      if (!tagIds.length) return [];
      const rows = await tx
        .select({ id: tags.id })
        .from(tags)
        .where(sql`${tags.userId} = ${userId} and ${tags.id} in ${inList(tagIds)}`);
      return rows.map((r) => r.id);
    },

    async bulkTag(userId: string, ids: string[], tagIds: string[], tx: Db = db) {
      await tx.execute(sql`
        insert into ${contactTags} (contact_id, tag_id, user_id)
        select x.id, t.id, ${userId}
        from ${c} x cross join ${tags} t
        where x.user_id = ${userId} and x.id in ${inList(ids)} and t.user_id = ${userId} and t.id in ${inList(tagIds)}
        on conflict do nothing`);
    },

    async bulkUntag(userId: string, ids: string[], tagIds: string[], tx: Db = db) {
      await tx.execute(sql`
        delete from ${contactTags}
        where user_id = ${userId} and contact_id in ${inList(ids)} and tag_id in ${inList(tagIds)}`);
    },

    async bulkSetStage(userId: string, ids: string[], stage: string, now: Date, tx: Db = db) {
      await tx.execute(sql`
        update ${c} set lifecycle_stage = ${stage}, updated_at = ${now}
        where user_id = ${userId} and id in ${inList(ids)}`);
    },

    async bulkDelete(userId: string, ids: string[], tx: Db = db) {
      await tx.execute(sql`delete from ${c} where user_id = ${userId} and id in ${inList(ids)}`);
    },

    /**
     * One statement: the user's contacts created before `before` that share an email (lower-cased)
     * or a phone (digits only, without a leading 00) with an imported batch, or, for rows that
     * have neither, the exact name.
     */
    async findImportMatches(userId: string, emails: string[], phones: string[], names: string[], before: Date, tx: Db = db) {
      if (!emails.length && !phones.length && !names.length) return [];
      // The lists travel as JSON text: the same on PGlite and node-postgres.
      const list = (values: string[]) => sql`array(select json_array_elements_text(${JSON.stringify(values)}::json))`;
      return tx
        .select({
          id: c.id,
          name: c.name,
          emails: c.emails,
          phones: c.phones,
          birthday: c.birthday,
          importantDates: c.importantDates,
          notes: c.notes,
          customFields: c.customFields,
          socialHandles: c.socialHandles,
          hasPhotoConsent: c.hasPhotoConsent,
          photoId: c.photoId,
        })
        .from(c)
        .where(
          sql`${c.userId} = ${userId} and ${c.createdAt} < ${before} and (
            ${c.emails} && ${list(emails)}
            or exists (select 1 from unnest(${c.phones}) p
                       where regexp_replace(regexp_replace(p, '[^0-9]', '', 'g'), '^00', '') = any(${list(phones)}))
            or ${c.name} = any(${list(names)}))`,
        )
        .orderBy(c.createdAt, c.id)
        .for('update');
    },

    /** One statement for the whole batch; ids in the order of `rows`. */
    async insertMany(userId: string, rows: (ContactWrite & { name: string })[], tx: Db = db): Promise<string[]> {
      if (!rows.length) return [];
      const inserted = await tx
        .insert(c)
        .values(rows.map((r) => ({ ...r, userId })))
        .returning({ id: c.id });
      return inserted.map((r) => r.id);
    },

    /**
     * One statement: the next `limit` contacts of an export in name order (keyset after the last one
     * sent), filtered as the list is, optionally only `ids`; with their tag names.
     */
    async exportPage(
      userId: string,
      filter: ContactFilter,
      ids: string[] | undefined,
      after: { key: string; id: string } | undefined,
      limit: number,
    ) {
      const where = [filterSql(userId, filter)];
      if (ids) where.push(ids.length ? sql`${c.id} in ${inList(ids)}` : sql`false`);
      if (after) where.push(sql`(lower(${c.name}), ${c.id}) > (${after.key}, ${after.id}::uuid)`);
      return queryRows<ExportRow>(
        db,
        sql`select ${c.id} as id, ${c.name} as name, lower(${c.name}) as key, ${c.emails} as emails, ${c.phones} as phones,
                   ${c.birthday}::text as birthday, ${c.importantDates} as "importantDates", ${c.notes} as notes,
                   ${c.customFields} as "customFields", ${c.lifecycleStage}::text as "lifecycleStage", ${c.status}::text as status,
                   coalesce((select array_agg(t.name order by lower(t.name)) from ${contactTags} ct join ${tags} t on t.id = ct.tag_id
                             where ct.contact_id = ${c.id}), '{}') as tags
            from ${c} where ${sql.join(where, sql` and `)}
            order by lower(${c.name}), ${c.id} limit ${limit}`,
      );
    },

    /** One statement: the custom field names used by the contacts an export will contain. */
    async exportCustomKeys(userId: string, filter: ContactFilter, ids: string[] | undefined): Promise<string[]> {
      const where = [filterSql(userId, filter)];
      if (ids) where.push(ids.length ? sql`${c.id} in ${inList(ids)}` : sql`false`);
      const rows = await queryRows<{ k: string }>(
        db,
        sql`select distinct jsonb_object_keys(${c.customFields}) as k from ${c} where ${sql.join(where, sql` and `)} order by 1`,
      );
      return rows.map((r) => r.k);
    },

    transaction: transactionRunner(db),
  };
}
export type ContactsRepo = ReturnType<typeof createContactsRepo>;
