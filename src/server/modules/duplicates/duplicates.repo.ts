import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, transactionRunner } from '../../platform/db.js';
import { contactMerges, contacts as c, duplicateDismissals, interactions } from '../../db/schema/index.js';
import { inList, isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import { renderedFragment } from '../../db/rendered-sql.js';
import type { CursorPosition } from '../../platform/cursor.js';
import { LIMITS } from '../../platform/limits.js';
import type { DuplicateContact } from '../../../shared/api/duplicates.js';

export type MatchedPair = { a: string; b: string; kind: 'email' | 'phone' | 'name_domain'; detail: string | null; score: number };

/** A contact as the comparison shows it. */
const duplicateContactJson = renderedFragment(sql`json_build_object(
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
)`);

export const MATCH_KINDS = ['email', 'phone', 'name_domain'] as const;
type MatchKind = (typeof MATCH_KINDS)[number];

/**
 * One kind of match over the user's contacts, at most `cap` pairs (a < b): emails and phones by
 * equality of their values (a hash join, linear in the user's values), names through the trigram index on name_key
 * (%, similarity at least LIMITS.duplicates.nameSimilarity) and an email domain in common.
 * Dismissed pairs are left out. No ORDER BY: the name probes stop at the cap, so a practice full
 * of duplicates answers as fast as one without. Exported for the EXPLAIN test.
 */
export function pairsSql(kind: MatchKind, userId: string, cap: number): SQL {
  // least(a, b) = a rather than a < b: the planner must not AND the primary key into each probe.
  const ordered = sql`least(a.id, b.id) = a.id and a.id <> b.id`;
  const threshold = LIMITS.duplicates.nameSimilarity;
  // Emails and phones: each of the user's values once per contact, joined on equality (a hash join
  // over the user's own values, whatever the statistics say), one row per pair.
  const shared = (column: SQL, matchKind: string, detail: SQL, score: string) => sql`
    select x.id as a, y.id as b, ${sql.raw(`'${matchKind}'`)} as kind, ${detail} as detail, ${sql.raw(score)}::float8 as score
    from (select id, unnest(${column}) as v from ${c} where user_id = ${userId} and ${column} <> '{}') x
    join (select id, unnest(${column}) as v from ${c} where user_id = ${userId} and ${column} <> '{}') y
      on y.v = x.v and x.id < y.id
    group by x.id, y.id`;
  const join =
    kind === 'email'
      ? shared(sql.raw('emails'), 'email', sql`min(x.v)`, '1.0')
      : kind === 'phone'
        ? shared(sql.raw('phones_e164'), 'phone', sql`null`, '0.9')
        : sql`select a.id as a, b.id as b, 'name_domain' as kind, (
                select min(split_part(x, '@', 2)) from unnest(a.emails) x join unnest(b.emails) y
                on split_part(x, '@', 2) = split_part(y, '@', 2)) as detail,
                (0.5 + 0.3 * similarity(a.name_key, b.name_key))::float8 as score
              from ${c} a join ${c} b on b.user_id = ${userId} and b.name_key % a.name_key and ${ordered}
              where a.user_id = ${userId} and a.emails <> '{}' and b.emails <> '{}' and a.name_key <> ''
                and similarity(a.name_key, b.name_key) >= ${threshold}::real
                -- A one-time filter, run before any row is read: the trigram index prunes at the bound
                -- itself (for this statement only) instead of at pg_trgm's default of 0.3.
                and (select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)) is not null`;
  return sql`
    select p.a, p.b, p.kind, p.detail, p.score from (${join}) p
    where (p.kind <> 'name_domain' or p.detail is not null)
      and not exists (select 1 from ${duplicateDismissals} d where d.contact_a = p.a and d.contact_b = p.b)
    limit ${cap}`;
}

export function createDuplicatesRepo(db: Db) {
  return {
    /**
     * One statement: the snapshots that can no longer be used (the merge was undone, or its undo
     * window closed before `before`) are emptied; the history row and its summary stay. Answers how
     * many were emptied.
     */
    async forgetSnapshots(before: Date): Promise<number> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update ${contactMerges} set snapshot = '{}'::jsonb
            where snapshot <> '{}'::jsonb and (undone_at is not null or created_at < ${before.toISOString()}::timestamptz)
            returning id`,
      );
      return rows.length;
    },

    /** At most `cap` matching pairs, the strongest kinds first: one statement per kind, the next only while the cap is not reached. */
    async findPairs(userId: string, cap: number): Promise<MatchedPair[]> {
      const pairs: MatchedPair[] = [];
      for (const kind of MATCH_KINDS) {
        if (pairs.length >= cap) break;
        pairs.push(...(await queryRows<MatchedPair>(db, pairsSql(kind, userId, cap - pairs.length))));
      }
      return pairs;
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
