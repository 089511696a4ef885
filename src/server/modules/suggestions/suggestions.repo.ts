import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { aiSuggestions, contacts, users } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import type { SuggestionKind } from '../../../shared/api/suggestions.js';
import { candidateParts } from './suggestions.sql.js';

/** A suggestion as the service acts on it. */
export type SuggestionRow = {
  id: string;
  kind: SuggestionKind;
  contact_id: string | null;
  title: string;
  rationale: string;
  payload: Record<string, unknown>;
  status: string;
  result: Record<string, unknown> | null;
};

export type Wording = { id: string; title: string; rationale: string; confidence: number };

const s = aiSuggestions;
/** Claimed by an approve or undo that never finished (a crash): an approve takes it over after this long. */
const STALE_CLAIM = sql`interval '5 minutes'`;

/** The JSON of one suggestion (alias s, contact alias c), as the API answers it. */
const suggestionJson = sql`json_build_object(
  'id', s.id, 'kind', s.kind, 'title', s.title, 'rationale', s.rationale,
  'confidence', coalesce(s.confidence, 0.5)::float8, 'status', s.status,
  'contact', case when c.id is null then null else json_build_object('id', c.id, 'name', c.name) end,
  'model', coalesce(s.model, 'offline'), 'madeWithoutModel', coalesce(s.model, 'offline') = 'offline',
  'result', case when s.result is null then null else json_build_object(
    'message', s.result->>'message', 'taskId', s.result->>'taskId', 'undoable', coalesce((s.result->>'undoable')::boolean, false)) end,
  'createdAt', ${isoSql(sql`s.created_at`)},
  'decidedAt', case when s.decided_at is null then null else ${isoSql(sql`s.decided_at`)} end)`;

export function createSuggestionsRepo(db: Db) {
  return {
    /**
     * Computes the candidates and stores the new ones in one statement: a key the user already has
     * is skipped by the candidates and, for a race between two runs, by the unique index.
     */
    propose(userId: string, now: Date) {
      const parts = candidateParts(userId, now);
      const union = sql.join(
        parts.map((p) => sql`(${p.sql})`),
        sql` union all `,
      );
      return queryRows<SuggestionRow>(
        db,
        sql`insert into ${s} (user_id, contact_id, kind, title, rationale, payload, confidence, model, dedupe_key, created_at)
            select ${userId}, x.contact_id, x.kind, x.title, x.rationale, x.payload, x.confidence, 'offline', x.key, ${now.toISOString()}::timestamptz
            from (${union}) x
            on conflict (user_id, dedupe_key) do nothing
            returning id, kind, contact_id, title, rationale, payload, status, result`,
      );
    },

    /** The model's wording and ranking of new suggestions (one statement). */
    async reword(userId: string, model: string, wordings: Wording[]): Promise<void> {
      if (!wordings.length) return;
      await db.execute(sql`update ${s} s set title = w.title, rationale = w.rationale, confidence = w.confidence, model = ${model}
        from jsonb_to_recordset(${JSON.stringify(wordings)}::jsonb) as w(id uuid, title text, rationale text, confidence real)
        where s.id = w.id and s.user_id = ${userId} and s.status = 'pending'`);
    },

    /** Pending suggestions, newest first, in keyset pages. */
    page(userId: string, limit: number, after?: CursorPosition): Promise<KeyedJsonRow[]> {
      const afterSql = after ? sql`and (s.created_at, s.id) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return queryRows<KeyedJsonRow>(
        db,
        sql`select ${suggestionJson}::text as j, s.created_at::text as k, s.id::text as id
            from ${s} s left join ${contacts} c on c.id = s.contact_id and c.user_id = ${userId}
            where s.user_id = ${userId} and s.status = 'pending' ${afterSql}
            order by s.created_at desc, s.id desc limit ${limit + 1}`,
      );
    },

    async pendingCount(userId: string): Promise<number> {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from ${s} s where s.user_id = ${userId} and s.status = 'pending'`,
      );
      return row?.n ?? 0;
    },

    async json(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`select ${suggestionJson}::text as j from ${s} s left join ${contacts} c on c.id = s.contact_id and c.user_id = ${userId}
            where s.user_id = ${userId} and s.id = ${id}`,
      );
      return row?.j;
    },

    async find(userId: string, id: string): Promise<SuggestionRow | undefined> {
      const [row] = await queryRows<SuggestionRow>(
        db,
        sql`select id, kind, contact_id, title, rationale, payload, status, result from ${s} s where s.user_id = ${userId} and s.id = ${id}`,
      );
      return row;
    },

    /**
     * Moves a suggestion from one status to another in one statement (`approved` marks an approve
     * or undo in progress; one left by a crash is taken over after a few minutes). Answers the row
     * when this call moved it.
     */
    async transition(
      userId: string,
      id: string,
      from: string,
      to: string,
      now: Date,
      set: { result?: Record<string, unknown> | null } = {},
    ): Promise<SuggestionRow | undefined> {
      const fromSql =
        from === 'pending'
          ? sql`(s.status = ${from}::suggestion_status or (s.status = 'approved' and s.decided_at < ${now.toISOString()}::timestamptz - ${STALE_CLAIM}))`
          : sql`s.status = ${from}::suggestion_status`;
      const resultSql = 'result' in set ? sql`, result = ${set.result === null ? null : JSON.stringify(set.result)}::jsonb` : sql``;
      const decided = to === 'pending' ? sql`null` : sql`${now.toISOString()}::timestamptz`;
      const [row] = await queryRows<SuggestionRow>(
        db,
        sql`update ${s} s set status = ${to}::suggestion_status, decided_at = ${decided} ${resultSql}
            where s.user_id = ${userId} and s.id = ${id} and ${fromSql}
            returning id, kind, contact_id, title, rationale, payload, status, result`,
      );
      return row;
    },

    /** Users with at least one contact: the daily run's list. */
    scheduledUsers(): Promise<string[]> {
      return queryRows<{ id: string }>(
        db,
        sql`select u.id from ${users} u where exists (select 1 from ${contacts} c where c.user_id = u.id)`,
      ).then((rows) => rows.map((r) => r.id));
    },
  };
}
export type SuggestionsRepo = ReturnType<typeof createSuggestionsRepo>;
