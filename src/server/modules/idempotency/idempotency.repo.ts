import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { idempotencyKeys as k } from '../../db/schema/index.js';
import { timestampParam } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';

export type Claim =
  | { state: 'claimed' }
  | { state: 'replay'; statusCode: number; contentType: string | null; body: string }
  | { state: 'mismatch' }
  | { state: 'in_progress' };

/** The answers of requests sent with an Idempotency-Key (platform/http/idempotency.ts). */
export function createIdempotencyRepo(db: Db, clock: () => Date) {
  const { keepMs, abandonMs } = LIMITS.idempotency;
  return {
    /**
     * One statement: takes the key for this request, or says what the earlier request with the same
     * key left (its answer, a different body, or still running). An expired key, or one whose request
     * was abandoned by a crash, is taken over.
     */
    async claim(userId: string, key: string, requestHash: string): Promise<Claim> {
      const now = clock();
      const [row] = await queryRows<{ state: string; status_code: number | null; content_type: string | null; body: string | null }>(
        db,
        sql`
        with taken as (
          insert into ${k} as prior (user_id, key, request_hash, created_at)
          values (${userId}, ${key}, ${requestHash}, ${timestampParam(now)})
          on conflict (user_id, key) do update
            set request_hash = excluded.request_hash, created_at = excluded.created_at, status_code = null, content_type = null, body = null
            where prior.created_at < ${timestampParam(new Date(now.getTime() - keepMs))}
               or (prior.status_code is null and prior.created_at < ${timestampParam(new Date(now.getTime() - abandonMs))})
          returning 1
        )
        select 'claimed' as state, null::int as status_code, null as content_type, null as body from taken
        union all
        select case when e.request_hash <> ${requestHash} then 'mismatch' when e.status_code is null then 'in_progress' else 'replay' end,
               e.status_code, e.content_type, e.body
        from ${k} e
        where e.user_id = ${userId} and e.key = ${key} and not exists (select 1 from taken)`,
      );
      if (!row || row.state === 'claimed') return { state: 'claimed' };
      if (row.state === 'replay')
        return { state: 'replay', statusCode: row.status_code!, contentType: row.content_type, body: row.body ?? '' };
      return { state: row.state as 'mismatch' | 'in_progress' };
    },

    async complete(userId: string, key: string, answer: { statusCode: number; contentType: string | null; body: string }) {
      await db.execute(sql`
        update ${k} set status_code = ${answer.statusCode}, content_type = ${answer.contentType}, body = ${answer.body}
        where user_id = ${userId} and key = ${key}`);
    },

    /** The request failed on the server (or its answer cannot be kept): a retry runs it again. */
    async release(userId: string, key: string) {
      await db.execute(sql`delete from ${k} where user_id = ${userId} and key = ${key} and status_code is null`);
    },

    /** Keys older than the keeping time; answers how many went. */
    async purgeExpired(): Promise<number> {
      const rows = await queryRows<{ n: number }>(
        db,
        sql`with gone as (delete from ${k} where created_at < ${timestampParam(new Date(clock().getTime() - keepMs))} returning 1)
            select count(*)::int as n from gone`,
      );
      return rows[0]?.n ?? 0;
    },
  };
}
