import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { contactPhotos, contacts as c, contactTags, tags } from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import { consentGrantedSql } from '../consent/consent.sql.js';
import { filterSql, type ContactFilter } from './contacts-filter.sql.js';
import type { ContactWrite } from './contacts.repo.js';

export type ExportRow = {
  id: string;
  name: string;
  key: string;
  emails: string[];
  phones: string[];
  emailLabels: Record<string, string>;
  phoneLabels: Record<string, string>;
  birthday: string | null;
  importantDates: { label: string; date: string }[];
  notes: string;
  customFields: Record<string, string | number | boolean | null>;
  lifecycleStage: string;
  status: string;
  tags: string[];
  /** The current picture, in base64, when asked for (vCard); null when there is none. */
  photo?: { type: string; base64: string } | null;
};

/** The contacts repo's queries for imports (matching, batch inserts) and the vCard / CSV exports. */
export function contactTransferQueries(db: Db) {
  return {
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
          emailLabels: c.emailLabels,
          phoneLabels: c.phoneLabels,
          birthday: c.birthday,
          importantDates: c.importantDates,
          notes: c.notes,
          customFields: c.customFields,
          socialHandles: c.socialHandles,
          hasPhotoConsent: sql<boolean>`${consentGrantedSql(c.id, 'photo_enrichment')}`,
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
      withPhotos = false,
    ) {
      const where = [filterSql(userId, filter)];
      if (ids) where.push(ids.length ? sql`${c.id} in ${inList(ids)}` : sql`false`);
      if (after) where.push(sql`(lower(${c.name}), ${c.id}) > (${after.key}, ${after.id}::uuid)`);
      return queryRows<ExportRow>(
        db,
        sql`select ${c.id} as id, ${c.name} as name, lower(${c.name}) as key, ${c.emails} as emails, ${c.phones} as phones,
                   ${c.emailLabels} as "emailLabels", ${c.phoneLabels} as "phoneLabels", ${c.birthday}::text as birthday, ${c.importantDates} as "importantDates", ${c.notes} as notes,
                   ${c.customFields} as "customFields", ${c.lifecycleStage}::text as "lifecycleStage", ${c.status}::text as status,
                   coalesce((select array_agg(t.name order by lower(t.name)) from ${contactTags} ct join ${tags} t on t.id = ct.tag_id
                             where ct.contact_id = ${c.id}), '{}') as tags${
                               withPhotos
                                 ? sql`, (select json_build_object('type', p.mime_type, 'base64', translate(encode(p.data, 'base64'), E'\n', ''))
                                          from ${contactPhotos} p where p.id = ${c.photoId} and p.deleted_at is null) as photo`
                                 : sql``
                             }
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
  };
}
