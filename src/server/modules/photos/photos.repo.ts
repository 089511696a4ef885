import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { contactPhotos, contacts } from '../../db/schema/index.js';
import { inList } from '../../db/sql-helpers.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import { findContactChildPage } from '../../db/contact-child-page.js';
import { photoJson } from './photos.sql.js';
import { consentGrantedSql } from '../consent/consent.sql.js';

export type NewPhoto = { sha256: string; width: number; height: number; data: Buffer; createdAt: Date };

export function createPhotosRepo(db: Db) {
  return {
    /** Whether the contact allows photo_enrichment now (the consent ledger); undefined when the contact is not the user's. */
    async photoConsentOf(userId: string, contactId: string): Promise<boolean | undefined> {
      const [row] = await queryRows<{ ok: boolean }>(
        db,
        sql`select ${consentGrantedSql(sql`c.id`, 'photo_enrichment')} as ok from ${contacts} c where c.user_id = ${userId} and c.id = ${contactId}`,
      );
      return row?.ok;
    },

    /**
     * One statement: stores the photo and makes it the contact's active one when `activate` says
     * so ('always', or 'if_none' while the contact has no picture). Nothing is stored when the
     * contact is not the user's (deleted meanwhile): the answer is then undefined.
     */
    async insert(
      userId: string,
      contactId: string,
      photo: NewPhoto,
      activate: 'always' | 'never' | 'if_none',
    ): Promise<string | undefined> {
      const when = activate === 'always' ? sql`true` : activate === 'if_none' ? sql`photo_id is null` : sql`false`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with p as (
          insert into ${contactPhotos} (user_id, contact_id, source, mime_type, sha256, width, height, byte_size, data, created_at)
          select ${userId}, c.id, 'upload', 'image/webp', ${photo.sha256}, ${photo.width}, ${photo.height},
                 ${photo.data.length}, ${photo.data}::bytea, ${photo.createdAt}
          from ${contacts} c where c.user_id = ${userId} and c.id = ${contactId}
          returning id, contact_id, width, height, byte_size, created_at
        ), activated as (
          update ${contacts} set photo_id = (select id from p), updated_at = ${photo.createdAt}
          where user_id = ${userId} and id = ${contactId} and exists (select 1 from p) and ${when}
          returning id
        )
        select ${photoJson(sql`exists (select 1 from activated)`)}::text as j from p`,
      );
      return row?.j;
    },

    /** One statement: a contact's photos, newest first; undefined when the contact is not the user's. */
    findPage(userId: string, contactId: string, limit: number, after?: CursorPosition): Promise<KeyedJsonRow[] | undefined> {
      const afterSql = after ? sql`and (p.created_at, p.id) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return findContactChildPage(
        db,
        userId,
        contactId,
        sql`
        select ${photoJson(sql`(p.id is not distinct from c.photo_id)`)}::text as j, p.created_at::text as k, p.created_at as at, p.id
        from ${contactPhotos} p
        where p.user_id = ${userId} and p.contact_id = c.id and p.deleted_at is null ${afterSql}
        order by p.created_at desc, p.id desc
        limit ${limit + 1}`,
      );
    },

    /** One statement: points the contact at one of its own photos and answers that photo. */
    async activate(userId: string, contactId: string, photoId: string, at: Date): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with target as (
          select id from ${contactPhotos}
          where user_id = ${userId} and contact_id = ${contactId} and id = ${photoId} and deleted_at is null
        ), activated as (
          update ${contacts} set photo_id = (select id from target), updated_at = ${at}
          where user_id = ${userId} and id = ${contactId} and exists (select 1 from target)
          returning id
        )
        select ${photoJson(sql`true`)}::text as j
        from ${contactPhotos} p join target t on t.id = p.id
        where exists (select 1 from activated)`,
      );
      return row?.j;
    },

    /**
     * One statement: soft delete (Undo restores it; the purge job removes it later); a contact
     * whose picture it was is left without one.
     */
    async softDelete(userId: string, photoId: string, at: Date): Promise<boolean> {
      const rows = await queryRows(
        db,
        sql`
        with gone as (
          update ${contactPhotos} set deleted_at = ${at.toISOString()}::timestamptz
          where user_id = ${userId} and id = ${photoId} and deleted_at is null
          returning id
        ), unset as (
          update ${contacts} set photo_id = null where user_id = ${userId} and photo_id in (select id from gone)
        )
        select id from gone`,
      );
      return rows.length > 0;
    },

    /** One statement: undoes a soft delete; the photo is the contact's picture again if they have none. */
    async restore(userId: string, photoId: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with p as (
          update ${contactPhotos} set deleted_at = null
          where user_id = ${userId} and id = ${photoId} and deleted_at is not null
          returning id, contact_id, width, height, byte_size, created_at
        ), activated as (
          update ${contacts} set photo_id = (select id from p)
          where user_id = ${userId} and id = (select contact_id from p) and photo_id is null
          returning id
        )
        select ${photoJson(sql`exists (select 1 from activated)`)}::text as j from p`,
      );
      return row?.j;
    },

    /** One statement; the bytes are left out when the client already holds them (`'any'` for If-None-Match: *). */
    async findBytes(userId: string, photoId: string, knownHashes: string[] | 'any') {
      const isKnown = knownHashes === 'any' ? sql`true` : knownHashes.length ? sql`sha256 in ${inList(knownHashes)}` : sql`false`;
      const [row] = await queryRows<{ sha256: string; mime: string; data: Buffer | Uint8Array | null }>(
        db,
        sql`
        select sha256, mime_type as mime, case when ${isKnown} then null else data end as data
        from ${contactPhotos} where user_id = ${userId} and id = ${photoId} and deleted_at is null`,
      );
      if (!row) return undefined;
      const data =
        row.data === null
          ? null
          : Buffer.isBuffer(row.data)
            ? row.data
            : Buffer.from(row.data.buffer, row.data.byteOffset, row.data.byteLength);
      return { sha256: row.sha256, mime: row.mime, data };
    },
  };
}
export type PhotosRepo = ReturnType<typeof createPhotosRepo>;
