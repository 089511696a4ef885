import { sql, type SQL } from 'drizzle-orm';
import { consents, contacts } from '../../db/schema/index.js';
import { queryRows, transactionRunner, type Db } from '../../platform/db.js';
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
};

const entryJson = (x: SQL) => sql`json_build_object(
  'id', ${x}.id,
  'contactId', ${x}.contact_id,
  'purpose', ${x}.purpose,
  'granted', ${x}.is_granted,
  'method', ${x}.method,
  'note', ${x}.note,
  'expiresAt', ${isoSql(sql`${x}.expires_at`)},
  'recordedBy', ${x}.recorded_by,
  'recordedAt', ${isoSql(sql`${x}.recorded_at`)}
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
            'entryId', l.id
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
          insert into ${consents} (user_id, contact_id, purpose, is_granted, method, note, expires_at, recorded_by)
          select ${userId}, c.id, ${change.purpose}::consent_purpose, ${change.granted}, ${change.method}::consent_method,
                 ${change.note}, ${change.expiresAt ? timestampParam(change.expiresAt) : sql`null::timestamptz`}, ${userId}
          from ${contacts} c
          where c.user_id = ${userId} and c.id = any(${`{${contactIds.join(',')}}`}::uuid[])${changedOnly}
          returning contact_id
        )
        select c.id, c.name from ins join ${contacts} c on c.id = ins.contact_id`,
      );
    },

    transaction: transactionRunner(db),
  };
}
export type ConsentRepo = ReturnType<typeof createConsentRepo>;
