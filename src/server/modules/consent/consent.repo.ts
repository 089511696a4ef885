import { sql, type SQL } from 'drizzle-orm';
import { consentEvidence, consents, contacts } from '../../db/schema/index.js';
import { queryRows, queryRowsWithBytes, transactionRunner, type Db } from '../../platform/db.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import type { KeyedJsonRow } from '../../platform/cursor.js';
import type { ConsentMethod, ConsentPurpose } from '../../../shared/domain.js';
import { CONSENT_PURPOSES } from '../../../shared/domain.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which of these contacts allow `purpose` at `at` (now by default): the one question sync, AI and
 * photos ask. ONE statement for any number of ids: each id's latest entry recorded by `at` (through
 * the consents_latest_idx index), kept when it is a grant that has not expired. Ids that are not the
 * user's contacts, or not ids at all, are simply not in the answer.
 */
export async function allowedContactIds(
  db: Db,
  userId: string,
  purpose: ConsentPurpose,
  contactIds: readonly string[],
  at?: Date,
): Promise<Set<string>> {
  const ids = [...new Set(contactIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  if (!ids.length) return new Set();
  const when = at ? timestampParam(at) : sql`now()`;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    select l.contact_id as id
    from unnest(${`{${ids.join(',')}}`}::uuid[]) as want(id)
    cross join lateral (
      select x.contact_id, x.is_granted, x.expires_at
      from ${consents} x
      where x.contact_id = want.id and x.user_id = ${userId} and x.purpose = ${purpose}::consent_purpose and x.recorded_at <= ${when}
      order by x.recorded_at desc, x.seq desc
      limit 1
    ) l
    where l.is_granted and (l.expires_at is null or l.expires_at > ${when})`,
  );
  return new Set(rows.map((r) => r.id));
}

export type ConsentChange = {
  purpose: ConsentPurpose;
  granted: boolean;
  method: ConsentMethod;
  note: string;
  expiresAt: Date | null;
  /** An evidence file of the contact (checked by the caller). */
  evidenceId: string | null;
};

/** The evidence file an entry names, as lists show it; null without one. */
const evidenceJson = (evidenceId: SQL) => sql`(
  select json_build_object('id', e.id, 'filename', e.filename, 'mimeType', e.mime_type, 'byteSize', e.byte_size)
  from ${consentEvidence} e where e.id = ${evidenceId})`;

const evidenceView = sql`json_build_object('id', e.id, 'contactId', e.contact_id, 'filename', e.filename,
  'mimeType', e.mime_type, 'byteSize', e.byte_size, 'createdAt', ${isoSql(sql`e.created_at`)})::text`;

const entryJson = (x: SQL) => sql`json_build_object(
  'id', ${x}.id,
  'contactId', ${x}.contact_id,
  'purpose', ${x}.purpose,
  'granted', ${x}.is_granted,
  'method', ${x}.method,
  'note', ${x}.note,
  'expiresAt', ${isoSql(sql`${x}.expires_at`)},
  'recordedBy', ${x}.recorded_by,
  'recordedAt', ${isoSql(sql`${x}.recorded_at`)},
  'evidence', ${evidenceJson(sql`${x}.evidence_id`)}
)`;

export function createConsentRepo(db: Db) {
  return {
    /**
     * One statement: the current state of every purpose for one contact, as JSON text; undefined
     * when the contact is not the user's.
     */
    async statesJson(userId: string, contactId: string, at: Date): Promise<string | undefined> {
      const when = timestampParam(at);
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        select json_build_object('contactId', c.id, 'purposes', (
          select json_agg(json_build_object(
            'purpose', p.purpose,
            'granted', coalesce(l.is_granted and (l.expires_at is null or l.expires_at > ${when}), false),
            'expired', coalesce(l.is_granted and l.expires_at <= ${when}, false),
            'since', ${isoSql(sql`l.recorded_at`)},
            'method', l.method,
            'note', l.note,
            'expiresAt', ${isoSql(sql`l.expires_at`)},
            'entryId', l.id,
            'evidence', ${evidenceJson(sql`l.evidence_id`)}
          ) order by p.ord)
          from unnest(${`{${CONSENT_PURPOSES.join(',')}}`}::consent_purpose[]) with ordinality as p(purpose, ord)
          left join lateral (
            select x.* from ${consents} x
            where x.contact_id = c.id and x.purpose = p.purpose and x.recorded_at <= ${when}
            order by x.recorded_at desc, x.seq desc
            limit 1
          ) l on true
        ))::text as j
        from ${contacts} c
        where c.user_id = ${userId} and c.id = ${contactId}`,
      );
      return row?.j;
    },

    /**
     * One statement: a page of the contact's entries, newest first (recorded_at, then seq), or
     * undefined when the contact is not the user's. The cursor names the last entry seen.
     */
    async historyPage(
      userId: string,
      contactId: string,
      page: { purpose?: ConsentPurpose; limit: number; afterId?: string },
    ): Promise<KeyedJsonRow[] | undefined> {
      const purpose = page.purpose ? sql` and x.purpose = ${page.purpose}::consent_purpose` : sql``;
      const after = page.afterId
        ? sql` and (x.recorded_at, x.seq) < (select a.recorded_at, a.seq from ${consents} a where a.id = ${page.afterId}::uuid and a.user_id = ${userId})`
        : sql``;
      const rows = await queryRows<{ j: string | null; id: string | null }>(
        db,
        sql`
        select p.j, p.id
        from ${contacts} c
        left join lateral (
          select ${entryJson(sql`x`)}::text as j, x.id, x.recorded_at, x.seq
          from ${consents} x
          where x.contact_id = c.id and x.user_id = ${userId}${purpose}${after}
          order by x.recorded_at desc, x.seq desc
          limit ${page.limit + 1}
        ) p on true
        where c.user_id = ${userId} and c.id = ${contactId}
        order by p.recorded_at desc, p.seq desc`,
      );
      if (!rows.length) return undefined;
      return rows.filter((r) => r.j !== null).map((r) => ({ j: r.j!, k: null, id: r.id! }));
    },

    /**
     * One statement, whatever the number of contacts: appends the decision for each of the user's
     * contacts among `contactIds` (when `onlyIfChanged`, only where it differs from the current
     * state). Answers the contacts written, with their names (for the audit entries).
     */
    async append(
      tx: Db,
      userId: string,
      contactIds: readonly string[],
      change: ConsentChange,
      options: { onlyIfChanged?: boolean } = {},
    ): Promise<{ id: string; name: string }[]> {
      if (!contactIds.length) return [];
      const changedOnly = options.onlyIfChanged
        ? sql` and ${change.granted} is distinct from coalesce((
            select x.is_granted and (x.expires_at is null or x.expires_at > now()) from ${consents} x
            where x.contact_id = c.id and x.purpose = ${change.purpose}::consent_purpose
            order by x.recorded_at desc, x.seq desc limit 1), false)`
        : sql``;
      return queryRows<{ id: string; name: string }>(
        tx,
        sql`
        with ins as (
          insert into ${consents} (user_id, contact_id, purpose, is_granted, method, note, expires_at, recorded_by, evidence_id)
          select ${userId}, c.id, ${change.purpose}::consent_purpose, ${change.granted}, ${change.method}::consent_method,
                 ${change.note}, ${change.expiresAt ? timestampParam(change.expiresAt) : sql`null::timestamptz`}, ${userId},
                 ${change.evidenceId}::uuid
          from ${contacts} c
          where c.user_id = ${userId} and c.id = any(${`{${contactIds.join(',')}}`}::uuid[])${changedOnly}
          returning contact_id
        )
        select c.id, c.name from ins join ${contacts} c on c.id = ins.contact_id`,
      );
    },

    /**
     * One statement: stores an evidence file for the user's contact, unless the contact already
     * keeps `max` of them; answers its view as JSON text, 'full', or undefined (not the user's contact).
     */
    async insertEvidence(
      userId: string,
      contactId: string,
      file: { filename: string; mimeType: string; sha256: string; data: Buffer },
      max: number,
    ): Promise<string | 'full' | undefined> {
      const [row] = await queryRowsWithBytes<{ j: string | null; n: number }>(
        db,
        file.data,
        (data) => sql`
        with c as (select c.id, (select count(*)::int from ${consentEvidence} e where e.contact_id = c.id) as n
                   from ${contacts} c where c.user_id = ${userId} and c.id = ${contactId}),
        e as (
          insert into ${consentEvidence} (user_id, contact_id, filename, mime_type, byte_size, sha256, data)
          select ${userId}, c.id, ${file.filename}, ${file.mimeType}, ${file.data.length}, ${file.sha256}, ${data}
          from c where c.n < ${max}
          returning *)
        select (select ${evidenceView} from e) as j, c.n from c`,
      );
      if (!row) return undefined;
      return row.j ?? 'full';
    },

    /** One statement: an evidence file of the user's contact, bytes included. */
    async findEvidence(userId: string, contactId: string, evidenceId: string) {
      const [row] = await queryRows<{ filename: string; mime_type: string; data: Buffer | Uint8Array }>(
        db,
        sql`select filename, mime_type, data from ${consentEvidence}
            where user_id = ${userId} and contact_id = ${contactId} and id = ${evidenceId}`,
      );
      return row
        ? { filename: row.filename, mimeType: row.mime_type, data: Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data) }
        : undefined;
    },

    /** True when the file is evidence of that contact of the user. */
    async evidenceBelongs(userId: string, contactId: string, evidenceId: string): Promise<boolean> {
      const rows = await queryRows(
        db,
        sql`select 1 from ${consentEvidence} where user_id = ${userId} and contact_id = ${contactId} and id = ${evidenceId}`,
      );
      return rows.length > 0;
    },

    transaction: transactionRunner(db),
  };
}
export type ConsentRepo = ReturnType<typeof createConsentRepo>;
