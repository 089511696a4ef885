import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import { contactMerges, contacts as c, duplicateDismissals, interactions } from '../../db/schema/index.js';
import { inList, isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { LIMITS } from '../../platform/limits.js';
import type { DuplicateContact } from '../../../shared/api/duplicates.js';

export type MatchedPair = { a: string; b: string; kind: 'email' | 'phone' | 'name_domain'; detail: string | null; score: number };

/** A contact as the comparison shows it. */
const duplicateContactJson = sql`json_build_object(
  'id', ${c.id},
  'name', ${c.name},
  'emails', to_json(${c.emails}),
  'phones', to_json(${c.phones}),
  'lifecycleStage', ${c.lifecycleStage},
  'status', ${c.status},
  'sentiment', ${c.sentiment},
  'engagementTrend', ${c.engagementTrend},
  'notes', ${c.notes},
  'birthday', ${c.birthday},
  'keepInTouchDays', ${c.keepInTouchDays},
  'referralCount', ${c.referralCount},
  'lastContactAt', ${isoSql(c.lastContactAt)},
  'photoUrl', ${photoUrlSql(c.photoId)},
  'interactions', (select count(*)::int from ${interactions} i where i.contact_id = ${c.id} and i.deleted_at is null),
  'createdAt', ${isoSql(c.createdAt)}
)`;

/**
 * The user's matching pairs (a < b), strongest first, at most `cap`. Each kind of match is an
 * indexed self-join: emails and phones through their GIN indexes (&&), names through the trigram
 * index on name_key (%), then kept only above the similarity bound and with an email domain in
 * common. Dismissed pairs are left out. Exported for the EXPLAIN test.
 */
export function pairsSql(userId: string, cap: number): SQL {
  const minSimilarity = LIMITS.duplicates.nameSimilarity;
  return sql`
        with pairs as (
          select a.id as a, b.id as b, 'email' as kind,
            (select min(e) from unnest(a.emails) e where e = any(b.emails)) as detail, 1.0::float8 as score
          from ${c} a join ${c} b on b.user_id = ${userId} and b.emails && a.emails and a.id < b.id
          where a.user_id = ${userId} and a.emails <> '{}'
          union all
          select a.id, b.id, 'phone', null, 0.9::float8
          from ${c} a join ${c} b on b.user_id = ${userId} and b.phones_e164 && a.phones_e164 and a.id < b.id
          where a.user_id = ${userId} and a.phones_e164 <> '{}'
          union all
          select a.id, b.id, 'name_domain',
            (select min(split_part(x, '@', 2)) from unnest(a.emails) x join unnest(b.emails) y
              on split_part(x, '@', 2) = split_part(y, '@', 2)),
            (0.5 + 0.3 * similarity(a.name_key, b.name_key))::float8
          from ${c} a join ${c} b on b.user_id = ${userId} and b.name_key % a.name_key and a.id < b.id
          where a.user_id = ${userId} and a.emails <> '{}' and b.emails <> '{}' and a.name_key <> ''
            and similarity(a.name_key, b.name_key) >= ${minSimilarity}
        )
        select p.a, p.b, p.kind, p.detail, p.score from pairs p
        where (p.kind <> 'name_domain' or p.detail is not null)
          and not exists (select 1 from ${duplicateDismissals} d where d.contact_a = p.a and d.contact_b = p.b)
        order by p.score desc, p.a, p.b
        limit ${cap}`;
}

export function createDuplicatesRepo(db: Db) {
  return {
    /**
     * One statement: the user's matching pairs (a < b), strongest first, at most `cap`. Each kind of
     * match is an indexed self-join: emails and phones through their GIN indexes (&&), names through
     * the trigram index on name_key (%), then kept only above the similarity bound and with an email
     * domain in common. Dismissed pairs are left out.
     */
    async findPairs(userId: string, cap: number): Promise<MatchedPair[]> {
      return queryRows<MatchedPair>(db, pairsSql(userId, cap));
    },

    /** One statement: the comparison fields of the user's contacts among ids. */
    async findContacts(userId: string, ids: string[]): Promise<DuplicateContact[]> {
      if (!ids.length) return [];
      const rows = await queryRows<{ j: DuplicateContact }>(
        db,
        sql`select ${duplicateContactJson} as j from ${c} where ${c.userId} = ${userId} and ${c.id} in ${inList(ids)}`,
      );
      return rows.map((r) => r.j);
    },

    async countOwned(userId: string, ids: string[], tx: Db = db): Promise<number> {
      const [row] = await queryRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from ${c} where ${c.userId} = ${userId} and ${c.id} in ${inList(ids)}`,
      );
      return row?.n ?? 0;
    },

    async dismiss(userId: string, a: string, b: string, tx: Db = db): Promise<void> {
      await tx.execute(sql`
        insert into ${duplicateDismissals} (user_id, contact_a, contact_b)
        values (${userId}, least(${a}::uuid, ${b}::uuid), greatest(${a}::uuid, ${b}::uuid))
        on conflict do nothing`);
    },

    /** One statement: a page of the user's merges, newest first, as JSON text with the sort key. */
    async findMergePage(userId: string, limit: number, undoDays: number, after?: CursorPosition) {
      const m = contactMerges;
      const cond = after ? sql` and (${m.createdAt}, ${m.id}) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return queryRows<{ j: string; k: string; id: string }>(
        db,
        sql`
        select json_build_object(
          'id', ${m.id},
          'contactId', ${m.primaryId},
          'primaryName', ${m.summary}->>'primaryName',
          'mergedNames', ${m.summary}->'mergedNames',
          'mergedIds', to_json(${m.mergedIds}),
          'moved', ${m.summary}->'moved',
          'createdAt', ${isoSql(m.createdAt)},
          'undoneAt', ${isoSql(m.undoneAt)},
          'undoUntil', ${isoSql(sql`${m.createdAt} + make_interval(days => ${undoDays})`)}
        )::text as j, ${isoSql(m.createdAt)} as k, ${m.id} as id
        from ${m}
        where ${m.userId} = ${userId}${cond}
        order by ${m.createdAt} desc, ${m.id} desc
        limit ${limit + 1}`,
      );
    },

    transaction: transactionRunner(db),
  };
}
export type DuplicatesRepo = ReturnType<typeof createDuplicatesRepo>;
