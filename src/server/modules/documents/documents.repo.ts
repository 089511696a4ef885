import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, transactionRunner, type Db } from '../../platform/db.js';
import { findContactChildPage } from '../../db/contact-child-page.js';
import { contacts, documentContacts, documents } from '../../db/schema/index.js';
import { inList, isoSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import { LIMITS } from '../../platform/limits.js';
import { escapeLike } from '../contacts/search-text.js';

const d = alias(documents, 'd');
const SOURCE = 'drive';

/** A document as the sync hands it over: its text extracted and capped, the consenting contacts it names. */
export type DocumentWrite = {
  externalId: string;
  name: string;
  mimeType: string;
  webUrl: string | null;
  text: string;
  searchText: string;
  contentHash: string;
  modifiedAt: Date;
  contactIds: string[];
};
export type StoredDocument = { id: string; contentHash: string | null; name: string };
export type PageRequest = { limit: number; after?: CursorPosition };

const fields = sql`'id', ${d.id}, 'title', ${d.name}, 'mimeType', ${d.mimeType}, 'webUrl', ${d.webUrl},
  'modifiedAt', ${isoSql(d.modifiedAt)}, 'snippet', left(${d.extractedText}, ${LIMITS.drive.snippetChars}::int),
  'contacts', (select coalesce(json_agg(json_build_object('id', lc.id, 'name', lc.name) order by lc.name, lc.id), '[]'::json)
               from ${documentContacts} l join ${contacts} lc on lc.id = l.contact_id where l.document_id = ${d.id})`;
const summaryJson = renderedFragment(sql`json_build_object(${fields})`);
const detailJson = renderedFragment(sql`json_build_object(${fields},
  'text', left(${d.extractedText}, ${LIMITS.drive.detailChars}::int),
  'textTruncated', length(${d.extractedText}) > ${LIMITS.drive.detailChars}::int)`);
const modifiedKey = isoSql(d.modifiedAt);
const after = (page: PageRequest): SQL =>
  page.after ? sql` and (d.modified_at, d.id) < (${page.after.key}::timestamptz, ${page.after.id}::uuid)` : sql``;
const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/** The documents module owns `documents` and `document_contacts`; every query scoped by user. */
export function createDocumentsRepo(db: Db) {
  return {
    transaction: transactionRunner(db),

    /** One statement: a contact's documents, newest first; undefined when the contact is not the user's. */
    contactPage(userId: string, contactId: string, page: PageRequest): Promise<KeyedJsonRow[] | undefined> {
      return findContactChildPage(
        db,
        userId,
        contactId,
        sql`
        select ${summaryJson}::text as j, ${modifiedKey} as k, d.modified_at as at, d.id
        from ${documentContacts} dl join ${documents} d on d.id = dl.document_id
        where dl.contact_id = c.id and dl.user_id = ${userId} and d.user_id = ${userId}${after(page)}
        order by d.modified_at desc, d.id desc
        limit ${page.limit + 1}`,
      );
    },

    /** One statement: the user's documents, newest first; with `terms`, those whose folded title + text hold every term. */
    page(userId: string, terms: string[], page: PageRequest): Promise<KeyedJsonRow[]> {
      const matches = terms.map((t) => sql` and d.search_text like ${`%${escapeLike(t)}%`}`);
      return queryRows<KeyedJsonRow>(
        db,
        sql`
        select ${summaryJson}::text as j, ${modifiedKey} as k, d.id
        from ${documents} d
        where d.user_id = ${userId}${sql.join(matches, sql``)}${after(page)}
        order by d.modified_at desc, d.id desc
        limit ${page.limit + 1}`,
      );
    },

    async detail(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`select ${detailJson}::text as j from ${documents} d where d.user_id = ${userId} and d.id = ${id}`,
      );
      return row?.j;
    },

    /** One statement: the stored Drive documents among these file ids. */
    async stored(userId: string, externalIds: readonly string[]): Promise<Map<string, StoredDocument>> {
      if (!externalIds.length) return new Map();
      const rows = await queryRows<StoredDocument & { externalId: string }>(
        db,
        sql`select d.id, d.external_id as "externalId", d.content_hash as "contentHash", d.name from ${documents} d
            where d.user_id = ${userId} and d.source = ${SOURCE} and d.external_id in ${inList(externalIds)}`,
      );
      return new Map(rows.map(({ externalId, ...r }) => [externalId, r]));
    },

    /** One statement: every contact of the user with the name and emails documents are matched against. */
    directory(userId: string): Promise<{ id: string; name: string; emails: string[] }[]> {
      return queryRows(db, sql`select id, name, emails from ${contacts} where user_id = ${userId}`);
    },

    /**
     * In the caller's transaction: upserts the documents (a row whose content did not change is not
     * rewritten) and sets each one's links to exactly its contacts; answers how many rows changed.
     */
    async upsert(tx: Db, userId: string, rows: DocumentWrite[]): Promise<number> {
      if (!rows.length) return 0;
      const input = rows.map((r) => ({ ...r, modifiedAt: r.modifiedAt.toISOString() }));
      const written = await queryRows<{ id: string }>(
        tx,
        sql`
        insert into ${documents} as d (user_id, source, external_id, name, mime_type, web_url, extracted_text, search_text,
                                       content_hash, modified_at)
        select ${userId}, ${SOURCE}, x."externalId", x.name, x."mimeType", x."webUrl", x.text, x."searchText", x."contentHash",
               x."modifiedAt"::timestamptz
        from jsonb_to_recordset(${jsonParam(input)}) as x("externalId" text, name text, "mimeType" text, "webUrl" text,
             text text, "searchText" text, "contentHash" text, "modifiedAt" text)
        on conflict (user_id, source, external_id) do update set
          name = excluded.name, mime_type = excluded.mime_type, web_url = excluded.web_url,
          extracted_text = excluded.extracted_text, search_text = excluded.search_text,
          content_hash = excluded.content_hash, modified_at = excluded.modified_at, updated_at = now()
        where (d.name, d.mime_type, d.web_url, d.extracted_text, d.content_hash, d.modified_at)
          is distinct from (excluded.name, excluded.mime_type, excluded.web_url, excluded.extracted_text,
                            excluded.content_hash, excluded.modified_at)
        returning d.id`,
      );
      const links = rows.flatMap((r) => r.contactIds.map((contactId) => ({ e: r.externalId, c: contactId })));
      const [changed] = await queryRows<{ n: number }>(
        tx,
        sql`
        with wanted as (
          select d.id as document_id, x.c as contact_id
          from jsonb_to_recordset(${jsonParam(links)}) as x(e text, c uuid)
          join ${documents} d on d.user_id = ${userId} and d.source = ${SOURCE} and d.external_id = x.e
          join ${contacts} k on k.id = x.c and k.user_id = ${userId}
        ), docs as (
          select d.id from ${documents} d
          where d.user_id = ${userId} and d.source = ${SOURCE}
            and d.external_id in (select jsonb_array_elements_text(${jsonParam(rows.map((r) => r.externalId))}))
        ), dropped as (
          delete from ${documentContacts} l using docs
          where l.document_id = docs.id and l.user_id = ${userId}
            and (l.document_id, l.contact_id) not in (select document_id, contact_id from wanted)
          returning 1
        ), added as (
          insert into ${documentContacts} (document_id, contact_id, user_id)
          select document_id, contact_id, ${userId} from wanted
          on conflict do nothing
          returning 1
        )
        select (select count(*) from dropped)::int + (select count(*) from added)::int as n`,
      );
      return written.length + (changed?.n ?? 0);
    },

    /** In the caller's transaction: removes these Drive files' documents (their links go with them). */
    async remove(tx: Db, userId: string, externalIds: readonly string[]): Promise<number> {
      if (!externalIds.length) return 0;
      const gone = await queryRows<{ id: string }>(
        tx,
        sql`delete from ${documents} d where d.user_id = ${userId} and d.source = ${SOURCE}
            and d.external_id in ${inList(externalIds)} returning d.id`,
      );
      return gone.length;
    },

    /** In the caller's transaction: removes the Drive documents whose file was not among `seen` (a full listing). */
    async removeUnseen(tx: Db, userId: string, seen: readonly string[]): Promise<number> {
      const gone = await queryRows<{ id: string }>(
        tx,
        sql`delete from ${documents} d where d.user_id = ${userId} and d.source = ${SOURCE}
            and not (d.external_id = any(select jsonb_array_elements_text(${jsonParam(seen)}))) returning d.id`,
      );
      return gone.length;
    },
  };
}
export type DocumentsRepo = ReturnType<typeof createDocumentsRepo>;
