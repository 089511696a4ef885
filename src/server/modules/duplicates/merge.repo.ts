import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import {
  aiPrompts,
  aiConversations,
  aiEventClassifications,
  aiInsights,
  aiSuggestions,
  calendarEvents,
  consentEvidence,
  consents,
  contactMerges,
  contactPhotos,
  contacts as c,
  contactTags,
  documentContacts,
  documents,
  duplicateDismissals,
  emails,
  goals,
  interactions,
  taskContacts,
  tags,
  tasks,
  users,
} from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import { nextVersion } from '../../db/versions.sql.js';
import { defaultCountry } from '../contacts/phones.js';

export type ContactRow = typeof c.$inferSelect;
type Json = Record<string, unknown>;

/**
 * Rows that belong to a contact through contact_id and are moved to the primary as they are (their
 * id stays). Consents are moved by contact_id only, whatever else the ledger holds.
 */
const MOVED_TABLES: Record<string, SQL> = {
  interactions: sql`${interactions}`,
  goals: sql`${goals}`,
  photos: sql`${contactPhotos}`,
  consents: sql`${consents}`,
  consentEvidence: sql`${consentEvidence}`,
  emails: sql`${emails}`,
  calendarEvents: sql`${calendarEvents}`,
  aiInsights: sql`${aiInsights}`,
  aiSuggestions: sql`${aiSuggestions}`,
};
/** Link rows keyed by (contact, other): the primary gets the union, the merged-away rows are kept in the snapshot. */
const LINK_TABLES: Record<string, { table: SQL; other: string; parent: SQL }> = {
  tags: { table: sql`${contactTags}`, other: 'tag_id', parent: sql`${tags}` },
  tasks: { table: sql`${taskContacts}`, other: 'task_id', parent: sql`${tasks}` },
  documents: { table: sql`${documentContacts}`, other: 'document_id', parent: sql`${documents}` },
};

/** Every column a contact can be written back with (generated columns are computed again). */
const writable = Object.values(getTableColumns(c)).filter((col) => !(col as { generated?: unknown }).generated);
const contactColumns = sql.join(
  writable.map((col) => sql.identifier(col.name)),
  sql`, `,
);
/** The same columns read from a snapshot row `r`; a photo deleted for good since then is left out. */
const snapshotColumns = (version: SQL) =>
  sql.join(
    writable.map((col) =>
      col.name === 'photo_id'
        ? sql`(select p.id from ${contactPhotos} p where p.id = r.photo_id)`
        : col.name === 'version'
          ? version
          : sql`r.${sql.identifier(col.name)}`,
    ),
    sql`, `,
  );
/** Restored contacts come back at a new version, so an edit made from before the merge or the undo is refused. */
const mergedBackVersion = sql`coalesce(r.version, 1) + 1`;
const primaryBackVersion = sql`${c}.version + 1`;

const jsonParam = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

export type MergeSnapshot = {
  /** The primary's row before the merge, and the merged-away contacts' rows. */
  primary: Json;
  merged: Json[];
  /** Per table, [row id, the contact it came from]. */
  moved: Record<string, [string, string][]>;
  /** Rows deleted because the primary already had their like (AI insights of the same kind). */
  deleted: Record<string, Json[]>;
  /** Per link table: the merged-away rows as they were, and the keys the merge added to the primary. */
  links: Record<string, { removed: Json[]; added: string[] }>;
  /** Dismissed pairs and earlier merges that named a merged-away contact (deleting it cascades to them). */
  dismissals: Json[];
  merges: Json[];
};

export function createMergeRepo() {
  return {
    async lockContacts(tx: Db, userId: string, ids: string[]): Promise<ContactRow[]> {
      return tx
        .select()
        .from(c)
        .where(sql`${c.userId} = ${userId} and ${c.id} in ${inList(ids)}`)
        .orderBy(c.id)
        .for('update');
    },

    async contactJson(tx: Db, userId: string, ids: string[]): Promise<Json[]> {
      const rows = await queryRows<{ j: Json }>(
        tx,
        sql`select to_jsonb(x) as j from ${c} x where x.user_id = ${userId} and x.id in ${inList(ids)}`,
      );
      return rows.map((r) => r.j);
    },

    /** Moves every related row of `from` to `primary` (one statement per table) and answers what moved. */
    async moveRows(tx: Db, userId: string, primary: string, from: string[]) {
      const moved: MergeSnapshot['moved'] = {};
      const links: MergeSnapshot['links'] = {};
      // One AI insight per contact and kind: the primary's (or the newest) stays, the others go to the snapshot.
      const gone = await queryRows<{ j: Json }>(
        tx,
        sql`
        delete from ${aiInsights} x
        where x.user_id = ${userId} and x.contact_id in ${inList(from)}
          and (exists (select 1 from ${aiInsights} p where p.contact_id = ${primary} and p.kind = x.kind)
            or exists (select 1 from ${aiInsights} y where y.contact_id in ${inList(from)} and y.kind = x.kind
                       and (y.created_at, y.id) > (x.created_at, x.id)))
        returning to_jsonb(x) as j`,
      );
      for (const [kind, table] of Object.entries(MOVED_TABLES)) {
        const rows = await queryRows<{ id: string; c: string }>(
          tx,
          sql`
          with old as (select t.id, t.contact_id from ${table} t where t.user_id = ${userId} and t.contact_id in ${inList(from)} for update)
          update ${table} t set contact_id = ${primary} from old where t.id = old.id
          returning old.id, old.contact_id as c`,
        );
        moved[kind] = rows.map((r) => [r.id, r.c]);
      }
      // A stored prompt names every contact it showed: it now names the primary too (the merged-away
      // ids stay, so an undo needs nothing), and erasing either one erases it.
      await tx.execute(sql`
        update ${aiPrompts} p set contact_ids = p.contact_ids || ${primary}::uuid
        where p.user_id = ${userId} and p.contact_ids && array(select x::uuid from unnest(${`{${from.join(',')}}`}::text[]) x)
          and not (${primary}::uuid = any(p.contact_ids))`);
      await tx.execute(sql`
        update ${aiConversations} v set contact_ids = v.contact_ids || ${primary}::uuid
        where v.user_id = ${userId} and v.contact_ids && array(select x::uuid from unnest(${`{${from.join(',')}}`}::text[]) x)
          and not (${primary}::uuid = any(v.contact_ids))`);
      await tx.execute(sql`
        update ${aiEventClassifications} e set contact_ids = e.contact_ids || ${primary}::uuid
        where e.user_id = ${userId} and e.contact_ids && array(select x::uuid from unnest(${`{${from.join(',')}}`}::text[]) x)
          and not (${primary}::uuid = any(e.contact_ids))`);
      for (const [kind, { table, other }] of Object.entries(LINK_TABLES)) {
        const removed = await queryRows<{ j: Json }>(
          tx,
          sql`delete from ${table} t where t.user_id = ${userId} and t.contact_id in ${inList(from)} returning to_jsonb(t) as j`,
        );
        const added = removed.length
          ? await queryRows<{ k: string }>(
              tx,
              sql`
              insert into ${table}
              select (jsonb_populate_record(null::${table}, x.j || jsonb_build_object('contact_id', ${primary}::uuid))).*
              from jsonb_array_elements(${jsonParam(removed.map((r) => r.j))}) as x(j)
              on conflict do nothing
              returning ${sql.identifier(other)}::text as k`,
            )
          : [];
        links[kind] = { removed: removed.map((r) => r.j), added: added.map((r) => r.k) };
      }
      return { moved, deleted: { aiInsights: gone.map((r) => r.j) }, links };
    },

    /** The rows that deleting the merged-away contacts would cascade to, and that an undo puts back. */
    async cascaded(tx: Db, userId: string, from: string[]) {
      const dismissals = await queryRows<{ j: Json }>(
        tx,
        sql`select to_jsonb(d) as j from ${duplicateDismissals} d
            where d.user_id = ${userId} and (d.contact_a in ${inList(from)} or d.contact_b in ${inList(from)})`,
      );
      const merges = await queryRows<{ j: Json }>(
        tx,
        sql`select to_jsonb(m) as j from ${contactMerges} m where m.user_id = ${userId} and m.primary_id in ${inList(from)}`,
      );
      return { dismissals: dismissals.map((r) => r.j), merges: merges.map((r) => r.j) };
    },

    async updateContact(tx: Db, userId: string, id: string, values: Partial<typeof c.$inferInsert>) {
      await tx
        .update(c)
        .set({ ...values, version: nextVersion(c.version) })
        .where(sql`${c.userId} = ${userId} and ${c.id} = ${id}`);
    },

    async country(tx: Db, userId: string): Promise<string | null> {
      const [row] = await queryRows<{ country: string | null; timezone: string }>(
        tx,
        sql`select ${users.country} as country, ${users.timezone} as timezone from ${users} where ${users.id} = ${userId}`,
      );
      return defaultCountry(row?.country, row?.timezone);
    },

    async deleteContacts(tx: Db, userId: string, ids: string[]) {
      await tx.execute(sql`delete from ${c} where user_id = ${userId} and id in ${inList(ids)}`);
    },

    async insertMerge(tx: Db, row: { userId: string; primaryId: string; mergedIds: string[]; snapshot: MergeSnapshot; summary: Json }) {
      const [inserted] = await tx
        .insert(contactMerges)
        .values({ ...row, snapshot: row.snapshot as unknown as Json })
        .returning({ id: contactMerges.id });
      return inserted!.id;
    },

    async lockMerge(tx: Db, userId: string, id: string) {
      const [row] = await tx
        .select()
        .from(contactMerges)
        .where(sql`${contactMerges.userId} = ${userId} and ${contactMerges.id} = ${id}`)
        .for('update');
      return row;
    },

    /** Puts every row back where the snapshot says it was (the merged-away contacts first). */
    async restore(tx: Db, userId: string, s: MergeSnapshot) {
      await tx.execute(sql`
        insert into ${c} (${contactColumns})
        select ${snapshotColumns(mergedBackVersion)} from jsonb_populate_recordset(null::${c}, ${jsonParam(s.merged)}) r`);
      for (const [kind, table] of Object.entries(MOVED_TABLES)) {
        const pairs = s.moved[kind] ?? [];
        if (!pairs.length) continue;
        await tx.execute(sql`
          update ${table} t set contact_id = m.c
          from jsonb_to_recordset(${jsonParam(pairs.map(([id, from]) => ({ id, c: from })))}) as m(id uuid, c uuid)
          where t.id = m.id and t.user_id = ${userId}`);
      }
      if (s.deleted.aiInsights?.length) {
        await tx.execute(sql`
          insert into ${aiInsights} select * from jsonb_populate_recordset(null::${aiInsights}, ${jsonParam(s.deleted.aiInsights)})
          on conflict do nothing`);
      }
      const primaryId = s.primary.id as string;
      for (const [kind, { table, other, parent }] of Object.entries(LINK_TABLES)) {
        const link = s.links[kind];
        if (!link) continue;
        if (link.added.length) {
          await tx.execute(sql`
            delete from ${table} where user_id = ${userId} and contact_id = ${primaryId}
              and ${sql.identifier(other)} in ${inList(link.added)}`);
        }
        if (link.removed.length) {
          await tx.execute(sql`
            insert into ${table} select r.* from jsonb_populate_recordset(null::${table}, ${jsonParam(link.removed)}) r
            where exists (select 1 from ${parent} x where x.id = r.${sql.identifier(other)})
            on conflict do nothing`);
        }
      }
      if (s.dismissals.length) {
        await tx.execute(sql`
          insert into ${duplicateDismissals} select r.* from jsonb_populate_recordset(null::${duplicateDismissals}, ${jsonParam(s.dismissals)}) r
          where exists (select 1 from ${c} x where x.id = r.contact_a) and exists (select 1 from ${c} x where x.id = r.contact_b)
          on conflict do nothing`);
      }
      if (s.merges.length) {
        await tx.execute(sql`
          insert into ${contactMerges} select * from jsonb_populate_recordset(null::${contactMerges}, ${jsonParam(s.merges)})
          on conflict do nothing`);
      }
      await tx.execute(sql`
        update ${c} set (${contactColumns}) = (select ${snapshotColumns(primaryBackVersion)} from jsonb_populate_record(null::${c}, ${jsonParam(s.primary)}) r)
        where user_id = ${userId} and id = ${primaryId}`);
    },

    async markUndone(tx: Db, id: string, now: Date) {
      await tx.execute(sql`update ${contactMerges} set undone_at = ${now.toISOString()}::timestamptz where id = ${id}`);
    },
  };
}
export type MergeRepo = ReturnType<typeof createMergeRepo>;
