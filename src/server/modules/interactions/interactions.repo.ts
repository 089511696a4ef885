import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import { chunksOf } from '../../platform/chunks.js';
import { LIMITS } from '../../platform/limits.js';
import { findContactChildPage } from '../../db/contact-child-page.js';
import { contacts, interactions } from '../../db/schema/index.js';
import { inList, timestampParam } from '../../db/sql-helpers.js';
import { nextVersion, versionIs } from '../../db/versions.sql.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import { interactionJson, occurredKey } from './interactions.sql.js';
import { CONTACT_INTERACTION_TYPES } from '../../../shared/domain.js';

export type PageRow = KeyedJsonRow;
export type PageRequest = { type?: string; limit: number; after?: CursorPosition };

export type InteractionWrite = {
  contactId: string;
  type: string;
  subject: string;
  content: string;
  occurredAt: Date;
  source: string;
  sourceId: string | null;
  sentiment: number | null;
  private: boolean;
};
export type InteractionPatch = Partial<Omit<InteractionWrite, 'source' | 'sourceId'>>;
export type BatchRow = Omit<InteractionWrite, 'private'> & { sourceId: string; metadata: Record<string, unknown> };

const COLUMN: Record<keyof InteractionPatch, string> = {
  contactId: 'contact_id',
  type: 'type',
  subject: 'subject',
  content: 'content',
  occurredAt: 'occurred_at',
  sentiment: 'sentiment',
  private: 'is_private',
};

function pageFilter(page: PageRequest): SQL {
  const parts: SQL[] = [];
  if (page.type) parts.push(sql` and i.type = ${page.type}`);
  if (page.after) parts.push(sql` and (i.occurred_at, i.id) < (${page.after.key}::timestamptz, ${page.after.id}::uuid)`);
  return sql.join(parts, sql``);
}

export function createInteractionsRepo(db: Db) {
  return {
    /** One statement: the newest interactions of every contact, with each contact's name and photo. */
    findRecentPage(userId: string, page: PageRequest): Promise<PageRow[]> {
      return queryRows<PageRow>(
        db,
        sql`
        select ${interactionJson}::text as j, ${occurredKey} as k, i.id
        from ${interactions} i join ${contacts} c on c.id = i.contact_id
        where i.user_id = ${userId} and i.deleted_at is null${pageFilter(page)}
        order by i.occurred_at desc, i.id desc
        limit ${page.limit + 1}`,
      );
    },

    /** One statement: a contact's timeline page; undefined when the contact is not the user's. */
    findContactPage(userId: string, contactId: string, page: PageRequest): Promise<PageRow[] | undefined> {
      return findContactChildPage(
        db,
        userId,
        contactId,
        sql`
        select ${interactionJson}::text as j, ${occurredKey} as k, i.occurred_at as at, i.id
        from ${interactions} i
        where i.contact_id = c.id and i.user_id = ${userId} and i.deleted_at is null${pageFilter(page)}
        order by i.occurred_at desc, i.id desc
        limit ${page.limit + 1}`,
      );
    },

    /** Locks the user's contacts among ids (in id order, so concurrent writers cannot deadlock); returns them. */
    async lockContacts(userId: string, ids: string[], tx: Db): Promise<string[]> {
      if (!ids.length) return [];
      const rows = await queryRows<{ id: string }>(
        tx,
        sql`
        select id from ${contacts} where user_id = ${userId} and id in ${inList([...new Set(ids)])}
        order by id for update`,
      );
      return rows.map((r) => r.id);
    },

    /**
     * Locks the contact of an interaction; undefined when the interaction is not the user's (or,
     * with deleted = false, is soft-deleted; with deleted = true, is not).
     */
    async lockContactOf(userId: string, interactionId: string, tx: Db, deleted = false): Promise<string | undefined> {
      const [row] = await queryRows<{ id: string }>(
        tx,
        sql`
        select c.id from ${contacts} c
        where c.user_id = ${userId}
          and c.id = (select i.contact_id from ${interactions} i
                      where i.id = ${interactionId} and i.user_id = ${userId} and (i.deleted_at is not null) = ${deleted})
        for update`,
      );
      return row?.id;
    },

    /** Inserts and answers the item's JSON; undefined when (source, sourceId) already exists. */
    async insert(userId: string, w: InteractionWrite, now: Date, tx: Db): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        tx,
        sql`
        with i as (
          insert into ${interactions}
            (user_id, contact_id, type, subject, content, occurred_at, source, source_id, sentiment, is_private, created_at, updated_at)
          values (${userId}, ${w.contactId}, ${w.type}, ${w.subject}, ${w.content}, ${timestampParam(w.occurredAt)}, ${w.source},
                  ${w.sourceId}, ${w.sentiment}, ${w.private}, ${timestampParam(now)}, ${timestampParam(now)})
          on conflict (user_id, source, source_id) do nothing
          returning *
        )
        select ${interactionJson}::text as j from i join ${contacts} c on c.id = i.contact_id`,
      );
      return row?.j;
    },

    /** One statement: the same entry for each of the user's contacts among ids; answers their JSON. */
    async insertForContacts(
      userId: string,
      ids: string[],
      w: Omit<InteractionWrite, 'contactId' | 'source' | 'sourceId'>,
      now: Date,
      tx: Db,
    ) {
      const rows = await queryRows<{ j: string }>(
        tx,
        sql`
        with i as (
          insert into ${interactions}
            (user_id, contact_id, type, subject, content, occurred_at, source, sentiment, is_private, created_at, updated_at)
          select ${userId}, c.id, ${w.type}, ${w.subject}, ${w.content}, ${timestampParam(w.occurredAt)}, 'manual', ${w.sentiment},
                 ${w.private}, ${timestampParam(now)}, ${timestampParam(now)}
          from ${contacts} c where c.user_id = ${userId} and c.id in ${inList(ids)}
          returning *
        )
        select ${interactionJson}::text as j from i join ${contacts} c on c.id = i.contact_id order by lower(c.name), c.id`,
      );
      return rows.map((r) => r.j);
    },

    /** Applies the patch and answers the item's JSON with its contact id; undefined when not the user's. */
    async update(userId: string, id: string, patch: InteractionPatch, now: Date, tx: Db, expected?: number) {
      const sets = (Object.keys(COLUMN) as (keyof InteractionPatch)[])
        .filter((key) => patch[key] !== undefined)
        .map((key) => {
          const value = patch[key];
          return sql`${sql.identifier(COLUMN[key])} = ${value instanceof Date ? timestampParam(value) : sql`${value}`}`;
        });
      sets.push(sql`updated_at = ${timestampParam(now)}`);
      sets.push(sql`version = ${nextVersion(sql`version`)}`);
      const [row] = await queryRows<{ j: string; contact_id: string }>(
        tx,
        sql`
        with i as (
          update ${interactions} set ${sql.join(sets, sql`, `)}
          where id = ${id} and user_id = ${userId} and deleted_at is null${versionIs(sql`version`, expected)}
          returning *
        )
        select ${interactionJson}::text as j, i.contact_id from i join ${contacts} c on c.id = i.contact_id`,
      );
      return row;
    },

    /** The entry's JSON as it is now; undefined when it is not the user's or is deleted. */
    async findJson(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        select ${interactionJson}::text as j from ${interactions} i join ${contacts} c on c.id = i.contact_id
        where i.id = ${id} and i.user_id = ${userId} and i.deleted_at is null`,
      );
      return row?.j;
    },

    async currentContactId(userId: string, id: string, tx: Db): Promise<string | undefined> {
      const [row] = await queryRows<{ contact_id: string }>(
        tx,
        sql`
        select contact_id from ${interactions} where id = ${id} and user_id = ${userId} and deleted_at is null`,
      );
      return row?.contact_id;
    },

    /** Soft delete (Undo restores it; the purge job removes it later); answers its contact. */
    async softDelete(userId: string, id: string, at: Date, tx: Db): Promise<string | undefined> {
      const [row] = await queryRows<{ contact_id: string }>(
        tx,
        sql`
        update ${interactions} set deleted_at = ${timestampParam(at)}, version = version + 1
        where id = ${id} and user_id = ${userId} and deleted_at is null returning contact_id`,
      );
      return row?.contact_id;
    },

    /** Undoes a soft delete; answers the item's JSON, undefined when there is nothing to restore. */
    async restore(userId: string, id: string, tx: Db): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        tx,
        sql`
        with i as (
          update ${interactions} set deleted_at = null, version = version + 1
          where id = ${id} and user_id = ${userId} and deleted_at is not null
          returning *
        )
        select ${interactionJson}::text as j from i join ${contacts} c on c.id = i.contact_id`,
      );
      return row?.j;
    },

    /**
     * Sets each contact's last contact to its latest interaction that was contact with them
     * (sessions, calls, emails, classes; never a private note); null when there is none.
     */
    async recomputeLastContact(userId: string, contactIds: string[], tx: Db): Promise<void> {
      if (!contactIds.length) return;
      await tx.execute(sql`
        update ${contacts} c
        set last_contact_at = (
          select max(i.occurred_at) from ${interactions} i
          where i.contact_id = c.id and i.deleted_at is null and i.type in ${inList([...CONTACT_INTERACTION_TYPES])})
        where c.user_id = ${userId} and c.id in ${inList([...new Set(contactIds)])}`);
    },

    /**
     * Locks every contact a batch touches: the contacts it names and the current contacts of the
     * items it may move. Answers the user's contacts among them.
     */
    async lockBatchContacts(userId: string, rows: BatchRow[], tx: Db): Promise<string[]> {
      const locked = await queryRows<{ id: string }>(
        tx,
        sql`
        with x as (
          select * from jsonb_to_recordset(${batchJson(rows)}::jsonb) as x(contact_id uuid, source interaction_source, source_id text))
        select c.id from ${contacts} c
        where c.user_id = ${userId}
          and (c.id in (select contact_id from x)
               or c.id in (select i.contact_id from ${interactions} i join x
                           on i.source = x.source and i.source_id = x.source_id where i.user_id = ${userId}))
        order by c.id for update`,
      );
      return locked.map((r) => r.id);
    },

    /**
     * One statement: inserts new items and updates changed ones by (source, sourceId); unchanged
     * items are left alone, and items naming someone else's contact are skipped.
     */
    async upsertBatch(userId: string, rows: BatchRow[], now: Date, tx: Db) {
      const [row] = await queryRows<{ inserted: number; updated: number }>(
        tx,
        sql`
        with x as (
          select * from jsonb_to_recordset(${batchJson(rows)}::jsonb) as x(
            contact_id uuid, type interaction_type, subject text, content text, occurred_at timestamptz,
            source interaction_source, source_id text, sentiment smallint, metadata jsonb)
        ), up as (
          insert into ${interactions}
            (user_id, contact_id, type, subject, content, occurred_at, source, source_id, sentiment, metadata, created_at, updated_at)
          select ${userId}, x.contact_id, x.type, x.subject, x.content, x.occurred_at,
                 x.source, x.source_id, x.sentiment, x.metadata, ${timestampParam(now)}, ${timestampParam(now)}
          from x join ${contacts} c on c.id = x.contact_id and c.user_id = ${userId}
          on conflict (user_id, source, source_id) do update set
            contact_id = excluded.contact_id, type = excluded.type, subject = excluded.subject,
            content = excluded.content, occurred_at = excluded.occurred_at, sentiment = excluded.sentiment,
            metadata = excluded.metadata, updated_at = excluded.updated_at, version = ${interactions}.version + 1
          where ${interactions}.deleted_at is null
            and (${interactions}.contact_id, ${interactions}.type, ${interactions}.subject, ${interactions}.content,
                 ${interactions}.occurred_at, ${interactions}.sentiment, ${interactions}.metadata - 'ai')
             is distinct from (excluded.contact_id, excluded.type, excluded.subject, excluded.content,
                 excluded.occurred_at, excluded.sentiment, excluded.metadata)
          returning (xmax = 0) as is_new
        )
        select count(*) filter (where is_new)::int as inserted, count(*) filter (where not is_new)::int as updated from up`,
      );
      return row ?? { inserted: 0, updated: 0 };
    },

    /**
     * One statement: deletes the user's items of a source whose source id starts with one of
     * `prefixes` (a calendar, a feed, the events of a page), except those in `keep`; answers their
     * contacts and how many items went.
     */
    async deleteFromSource(
      userId: string,
      source: string,
      prefixes: string[],
      keep: string[],
      tx: Db,
    ): Promise<{ contactIds: string[]; removed: number }> {
      const rows = await queryRows<{ contact_id: string }>(
        tx,
        sql`delete from ${interactions}
            where user_id = ${userId} and source = ${source}::interaction_source
              and exists (select 1 from jsonb_array_elements_text(${JSON.stringify(prefixes)}::jsonb) p(prefix)
                          where starts_with(source_id, p.prefix))
              and source_id not in (select jsonb_array_elements_text(${JSON.stringify(keep)}::jsonb))
            returning contact_id`,
      );
      return { contactIds: [...new Set(rows.map((r) => r.contact_id))], removed: rows.length };
    },

    /**
     * Stores model or lexicon scores on interactions still unscored (a score set meanwhile by hand
     * wins), then sets each touched contact's sentiment to the rounded mean of its 10 latest scores.
     * Answers how many interactions were scored.
     */
    async setSentiments(userId: string, scores: Array<{ id: string; score: number }>, tx: Db): Promise<number> {
      if (!scores.length) return 0;
      const rows = await queryRows<{ contact_id: string }>(
        tx,
        sql`
        update ${interactions} i set sentiment = x.score
        from jsonb_to_recordset(${JSON.stringify(scores)}::jsonb) as x(id uuid, score smallint)
        where i.id = x.id and i.user_id = ${userId} and i.sentiment is null and i.deleted_at is null
        returning i.contact_id`,
      );
      const touched = [...new Set(rows.map((r) => r.contact_id))];
      if (touched.length) {
        // The trend: the mean of the latest 3 scores against the mean of the 7 before them (4 scores at least).
        await tx.execute(sql`
          update ${contacts} c set sentiment = s.mean, sentiment_trend = s.trend
          from (
            select x.contact_id, round(avg(x.sentiment))::smallint as mean,
              case when count(*) < 4 then null
                   when avg(x.sentiment) filter (where x.rn <= 3) - avg(x.sentiment) filter (where x.rn > 3) >= 0.5 then 'improving'
                   when avg(x.sentiment) filter (where x.rn <= 3) - avg(x.sentiment) filter (where x.rn > 3) <= -0.5 then 'declining'
                   else 'steady' end as trend
            from unnest(${`{${touched.join(',')}}`}::uuid[]) t(id)
            cross join lateral (
              select i.contact_id, i.sentiment, row_number() over (order by i.occurred_at desc, i.id desc) as rn
              from ${interactions} i
              where i.contact_id = t.id and i.user_id = ${userId} and i.deleted_at is null and i.sentiment is not null
              order by i.occurred_at desc, i.id desc limit 10) x
            group by x.contact_id) s
          where c.id = s.contact_id and c.user_id = ${userId}`);
      }
      return rows.length;
    },

    /**
     * The calendar classification's conclusions on meeting entries (metadata key `ai`, which syncs
     * neither compare nor keep: a changed event loses it until classified again), a statement per
     * LIMITS.ai.classifyWriteRows entries; answers how many entries changed.
     */
    async setClassifications(userId: string, items: Array<{ id: string; ai: Record<string, unknown> }>, tx: Db): Promise<number> {
      let updated = 0;
      for (const chunk of chunksOf(items, LIMITS.ai.classifyWriteRows)) {
        const rows = await queryRows<{ id: string }>(
          tx,
          sql`
          update ${interactions} i set metadata = i.metadata || jsonb_build_object('ai', x.ai)
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(id uuid, ai jsonb)
          where i.id = x.id and i.user_id = ${userId} and i.deleted_at is null and i.metadata->'ai' is distinct from x.ai
          returning i.id`,
        );
        updated += rows.length;
      }
      return updated;
    },

    transaction: transactionRunner(db),
  };
}
export type InteractionsRepo = ReturnType<typeof createInteractionsRepo>;

function batchJson(rows: BatchRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      contact_id: r.contactId,
      type: r.type,
      subject: r.subject,
      content: r.content,
      occurred_at: r.occurredAt.toISOString(),
      source: r.source,
      source_id: r.sourceId,
      sentiment: r.sentiment,
      metadata: r.metadata,
    })),
  );
}
