import { and, eq, sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import {
  aiInsights,
  aiSuggestions,
  aiPrompts,
  aiConversations,
  aiEventClassifications,
  calendarEvents,
  consents,
  contactPhotos,
  contacts as c,
  contactTags,
  documentContacts,
  documents,
  emails,
  idempotencyKeys,
  goals,
  interactions,
  tags,
  taskActivities,
  taskContacts,
  tasks,
  users,
} from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import { renderedStatement } from '../../db/rendered-sql.js';
import { nextVersion, versionFirst } from '../../db/versions.sql.js';
import { contactJson, contactSummaryJson, SORT_SQL } from './contacts.sql.js';
import { filterSql, type ContactFilter, type PageRequest } from './contacts-filter.sql.js';
import { contactTransferQueries } from './contacts-transfer.repo.js';

import { defaultCountry } from './phones.js';
import { anonymiseAuditForContacts, recordAudit, recordAudits, type AuditEntry } from '../audit/audit.repo.js';

export type { ContactFilter } from './contacts-filter.sql.js';
export type { ExportRow } from './contacts-transfer.repo.js';

export type ContactRow = typeof c.$inferSelect;
export type ContactWrite = Omit<typeof c.$inferInsert, 'id' | 'userId' | 'createdAt'>;

/** The contact as JSON text with its tags and related counts. Rendered once (rendered-sql.ts). */
const detailStatement = renderedStatement<'userId' | 'id'>(
  ({ userId, id }) => sql`
        select ${versionFirst(
          c.version,
          sql`${contactJson} || jsonb_build_object('counts', jsonb_build_object(
          'interactions', (select count(*) from ${interactions} i where i.contact_id = ${c.id} and i.deleted_at is null),
          'goals', (select count(*) from ${goals} g where g.contact_id = ${c.id} and g.deleted_at is null),
          'openTasks', (select count(*) from ${taskContacts} tc join ${tasks} t on t.id = tc.task_id
                        where tc.contact_id = ${c.id} and t.status in ${OPEN_STATUSES_SQL}
                          and t.deleted_at is null),
          'insights', (select count(*) from ${aiInsights} x where x.contact_id = ${c.id})
        ))`,
        )} as j
        from ${c}
        where ${c.userId} = ${userId} and ${c.id} = ${id}`,
);

/**
 * One statement: the user's contacts having any of these emails (compared in lower case, as every
 * write path stores them), each with its stored emails, found through the GIN index on emails: a
 * scan of every contact's emails took ~1 s on the embedded database at 10,000 contacts.
 */
export function contactsWithAnyEmail(db: Db, userId: string, emails: readonly string[]): Promise<{ id: string; emails: string[] }[]> {
  if (!emails.length) return Promise.resolve([]);
  const wanted = JSON.stringify(emails.map((e) => e.toLowerCase()));
  return queryRows<{ id: string; emails: string[] }>(
    db,
    sql`select ${c.id}, ${c.emails} from ${c}
        where ${c.userId} = ${userId} and ${c.emails} && array(select jsonb_array_elements_text(${wanted}::jsonb))`,
  );
}

export function createContactsRepo(db: Db) {
  return {
    /** One statement: the page's rows as JSON text, plus each row's sort key for the cursor. */
    /** One statement: how many of the user's contacts match the filter. */
    async count(userId: string, filter: ContactFilter): Promise<number> {
      const [row] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${c} where ${filterSql(userId, filter)}`);
      return row?.n ?? 0;
    },

    /** One statement: the ids of up to `limit` matching contacts (for "select all N matching"). */
    async matchingIds(userId: string, filter: ContactFilter, limit: number): Promise<string[]> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select ${c.id} as id from ${c} where ${filterSql(userId, filter)} order by lower(${c.name}), ${c.id} limit ${limit}`,
      );
      return rows.map((r) => r.id);
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
    async findDetailJson(userId: string, id: string, tx: Db = db): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(tx, detailStatement({ userId, id }));
      return row?.j;
    },

    async findCountry(userId: string, tx: Db = db): Promise<string | null> {
      const [row] = await queryRows<{ country: string | null; timezone: string }>(
        tx,
        sql`select ${users.country} as country, ${users.timezone} as timezone from ${users} where ${users.id} = ${userId}`,
      );
      return defaultCountry(row?.country, row?.timezone);
    },

    /** Every contact with phones: id and phones, for recomputing their keys after a country change. */
    async findPhones(userId: string, tx: Db = db) {
      return queryRows<{ id: string; phones: string[] }>(
        tx,
        sql`select id, phones from ${c} where ${c.userId} = ${userId} and ${c.phones} <> '{}'`,
      );
    },

    async setPhoneKeys(userId: string, rows: { id: string; keys: string[] }[], tx: Db = db) {
      if (!rows.length) return;
      await tx.execute(sql`
        update ${c} set phones_e164 = array(select jsonb_array_elements_text(x.keys))
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, keys jsonb)
        where ${c.userId} = ${userId} and ${c.id} = x.id`);
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

    /** Every update moves the contact to its next version, in the same statement. */
    async update(userId: string, id: string, values: Partial<ContactWrite>, tx: Db = db): Promise<void> {
      const { version: _version, ...rest } = values;
      await tx
        .update(c)
        .set({ ...rest, version: nextVersion(c.version) })
        .where(and(eq(c.userId, userId), eq(c.id, id)));
    },

    /** Moves contacts to their next version (a change made through another table, such as consent). */
    async bumpVersions(userId: string, ids: string[], tx: Db = db) {
      if (!ids.length) return;
      await tx.execute(sql`update ${c} set version = version + 1 where user_id = ${userId} and id in ${inList(ids)}`);
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

    /**
     * Erases contacts for good (GDPR erasure), in the caller's transaction: the contact and, through
     * ON DELETE CASCADE, its interactions, goals, photos, consents, tag, task and document links, the documents naming it, and
     * AI insights and suggestions (soft-deleted rows included, the trash is no refuge); here, the rows
     * that would only be unlinked by the cascade: the emails and calendar events linked to the
     * contact, or linked to no one and carrying one of its addresses (a row linked to another
     * contact who shares the address stays theirs), and AI suggestions whose payload names it; tasks stay, and their history forgets the contact's id. Audit entries about
     * the contacts lose their names and one 'contact.erased' entry per contact is kept, without one.
     * (emails, calendar_events and ai_suggestions have no module of their own writing them yet.)
     * Returns the ids erased.
     */
    async erase(userId: string, ids: string[], tx: Db): Promise<string[]> {
      if (!ids.length) return [];
      const erased = await queryRows<{ id: string }>(
        tx,
        sql`
        with gone as (
          select id, emails from ${c} where user_id = ${userId} and id in ${inList(ids)} for update
        ), addresses as (
          select coalesce(array_agg(distinct lower(e)), '{}') as list from gone, unnest(gone.emails) e
        ), erased_emails as (
          delete from ${emails} m using addresses a
          where m.user_id = ${userId}
            and (m.contact_id in (select id from gone)
                 or (m.contact_id is null and (lower(m.from_address) = any(a.list) or m.to_addresses && a.list)))
        ), erased_events as (
          delete from ${calendarEvents} e using addresses a
          where e.user_id = ${userId}
            and (e.contact_id in (select id from gone)
                 or (e.contact_id is null
                     and exists (select 1 from jsonb_array_elements(e.attendees) x where lower(x->>'email') = any(a.list))))
        ), scrubbed_task_history as (
          -- A task's history keeps its contact changes as id lists: the erased ids leave them.
          update ${taskActivities} h set changes = (
            select jsonb_object_agg(k, case when k = 'contactIds' then (
                select jsonb_object_agg(side, case when jsonb_typeof(ids) = 'array' then coalesce(
                    (select jsonb_agg(e) from jsonb_array_elements(ids) e where e #>> '{}' not in (select id::text from gone)), '[]'::jsonb)
                  else ids end)
                from jsonb_each(v) as y(side, ids))
              else v end)
            from jsonb_each(h.changes) as x(k, v))
          where h.user_id = ${userId} and h.changes ? 'contactIds'
            and exists (select 1 from gone g where strpos(h.changes::text, g.id::text) > 0)
        ), erased_documents as (
          -- Documents naming the contact: their text is about them (the next Drive sync may bring
          -- back one that names other consenting contacts, without this one).
          delete from ${documents} d
          where d.user_id = ${userId}
            and exists (select 1 from ${documentContacts} l where l.document_id = d.id and l.contact_id in (select id from gone))
        ), erased_suggestions as (
          delete from ${aiSuggestions} s
          where s.user_id = ${userId} and exists (select 1 from gone g where strpos(s.payload::text, g.id::text) > 0)
        ), erased_prompts as (
          -- Prompts sent to a model about the contact, and their answers.
          delete from ${aiPrompts} p where p.user_id = ${userId} and p.contact_ids && (select array_agg(id) from gone)
        ), erased_conversations as (
          -- Assistant conversations whose answers showed the contact (their messages cascade).
          delete from ${aiConversations} v where v.user_id = ${userId} and v.contact_ids && (select array_agg(id) from gone)
        ), erased_classifications as (
          -- Calendar classifications of events the contact attended.
          delete from ${aiEventClassifications} e where e.user_id = ${userId} and e.contact_ids && (select array_agg(id) from gone)
        ), forgotten_answers as (
          -- Kept answers of retryable requests may show the contact: the account's go (they only guard retries).
          delete from ${idempotencyKeys} k where k.user_id = ${userId}
        )
        select id from gone`,
      );
      const erasedIds = erased.map((r) => r.id);
      await anonymiseAuditForContacts(tx, userId, erasedIds);
      if (erasedIds.length) await tx.execute(sql`delete from ${c} where user_id = ${userId} and id in ${inList(erasedIds)}`);
      await recordAudits(
        tx,
        erasedIds.map((id) => ({ userId, action: 'contact.erased' as const, entityType: 'contact', entityId: id })),
      );
      return erasedIds;
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
            'documents', ${count(sql`${documentContacts}`)},
            'aiInsights', ${count(sql`${aiInsights}`)},
            'aiSuggestions', ${count(sql`${aiSuggestions}`)},
            'tagLinks', ${count(sql`${contactTags}`)},
            'taskAssignments', ${count(sql`${taskContacts}`)},
            'calendarEvents', ${count(sql`${calendarEvents}`)},
            'emails', ${count(sql`${emails}`)}
          ) as del,
          '{}'::json as unlink
        from ${c} where ${c.userId} = ${userId} and ${c.id} = ${id}`,
      );
      return row;
    },

    /**
     * The subset of ids that belong to the user, locked in id order: concurrent bulk actions,
     * edits and merges on the same contacts then wait for each other instead of deadlocking.
     */
    async findOwnedIds(userId: string, ids: string[], tx: Db = db): Promise<string[]> {
      if (!ids.length) return [];
      const rows = await tx
        .select({ id: c.id })
        .from(c)
        .where(sql`${c.userId} = ${userId} and ${c.id} in ${inList(ids)}`)
        .orderBy(c.id)
        .for('update');
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

    /** One statement: adds the tags, and moves the contacts that gained one to their next version. */
    async bulkTag(userId: string, ids: string[], tagIds: string[], tx: Db = db) {
      await tx.execute(sql`
        with added as (
          insert into ${contactTags} (contact_id, tag_id, user_id)
          select x.id, t.id, ${userId}
          from ${c} x cross join ${tags} t
          where x.user_id = ${userId} and x.id in ${inList(ids)} and t.user_id = ${userId} and t.id in ${inList(tagIds)}
          on conflict do nothing
          returning contact_id
        )
        update ${c} set version = version + 1
        where user_id = ${userId} and id in (select contact_id from added)`);
    },

    /** One statement: removes the tags, and moves the contacts that lost one to their next version. */
    async bulkUntag(userId: string, ids: string[], tagIds: string[], tx: Db = db) {
      await tx.execute(sql`
        with removed as (
          delete from ${contactTags}
          where user_id = ${userId} and contact_id in ${inList(ids)} and tag_id in ${inList(tagIds)}
          returning contact_id
        )
        update ${c} set version = version + 1
        where user_id = ${userId} and id in (select contact_id from removed)`);
    },

    async bulkSetStage(userId: string, ids: string[], stage: string, now: Date, tx: Db = db) {
      await tx.execute(sql`
        update ${c} set lifecycle_stage = ${stage}, updated_at = ${now}, version = version + 1
        where user_id = ${userId} and id in ${inList(ids)}`);
    },

    ...contactTransferQueries(db),

    audit: (entry: AuditEntry) => recordAudit(db, entry),
    transaction: transactionRunner(db),
  };
}
export type ContactsRepo = ReturnType<typeof createContactsRepo>;
