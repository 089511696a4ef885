import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { aiPrompts, interactions, llmUsage } from '../../db/schema/index.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import { allowedContactIds } from '../consent/consent.repo.js';
import type { ChatMessage } from './provider.js';

export type UsageRow = {
  task: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  cacheHit: boolean;
  status: string;
};
export type PromptRow = { task: string; model: string; contactIds: string[]; prompt: ChatMessage[]; answer: string; status: string };

export function createAiRepo(db: Db) {
  return {
    /** The contacts among `ids` whose ai_processing consent allows sending them to a model (one statement). */
    allowed(userId: string, ids: readonly string[]): Promise<Set<string>> {
      return allowedContactIds(db, userId, 'ai_processing', ids);
    },

    /** Interactions without a sentiment yet, oldest first, with enough text to rate. */
    unscoredInteractions(userId: string, limit: number) {
      return queryRows<{ id: string; contact_id: string; subject: string; content: string }>(
        db,
        sql`select i.id, i.contact_id, i.subject, i.content from ${interactions} i
            where i.user_id = ${userId} and i.sentiment is null and i.deleted_at is null and not i.is_private
              and (i.subject <> '' or i.content <> '')
            order by i.occurred_at, i.id limit ${limit}`,
      );
    },

    /** The user's spending today and this month (UTC), in one statement, before a call is made. */
    async spent(userId: string, now: Date): Promise<{ today: number; month: number }> {
      const at = timestampParam(now);
      const [row] = await queryRows<{ today: string; month: string }>(
        db,
        sql`select coalesce(sum(cost_usd) filter (where created_at >= date_trunc('day', ${at}, 'UTC')), 0)::text as today,
                   coalesce(sum(cost_usd), 0)::text as month
            from ${llmUsage} where user_id = ${userId} and created_at >= date_trunc('month', ${at}, 'UTC')`,
      );
      return { today: Number(row?.today ?? 0), month: Number(row?.month ?? 0) };
    },

    /** One row per model call, and the prompts it sent with their answers, in one transaction. */
    async record(userId: string, now: Date, usage: UsageRow[], prompts: PromptRow[]): Promise<void> {
      await db.transaction(async (tx) => {
        if (usage.length) {
          await tx.insert(llmUsage).values(
            usage.map((u) => ({
              userId,
              task: u.task,
              model: u.model,
              promptTokens: u.inputTokens,
              completionTokens: u.outputTokens,
              costUsd: u.costUsd,
              latencyMs: u.latencyMs,
              isCacheHit: u.cacheHit,
              status: u.status,
              createdAt: now,
            })),
          );
        }
        if (prompts.length) await tx.insert(aiPrompts).values(prompts.map((p) => ({ userId, ...p, createdAt: now })));
      });
    },

    /** Totals of the last `days` days by day, task and model; JSON text. */
    async usage(userId: string, now: Date, days: number): Promise<string> {
      const since = sql`date_trunc('day', ${timestampParam(now)}, 'UTC') - make_interval(days => ${days - 1})`;
      const totals = sql`'calls', count(*)::int, 'inputTokens', coalesce(sum(prompt_tokens), 0)::int,
        'outputTokens', coalesce(sum(completion_tokens), 0)::int, 'costUsd', coalesce(sum(cost_usd), 0)::float8`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`with u as (select * from ${llmUsage} where user_id = ${userId} and created_at >= ${since})
            select json_build_object(
              'byDay', coalesce((select json_agg(x order by x->>'day') from (
                select json_build_object('day', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD'), ${totals}) x
                from u group by to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')) d), '[]'),
              'byTask', coalesce((select json_agg(x order by x->>'task') from (
                select json_build_object('task', task, ${totals}) x from u group by task) t), '[]'),
              'byModel', coalesce((select json_agg(x order by x->>'model') from (
                select json_build_object('model', model, ${totals}) x from u group by model) m), '[]')
            )::text as j`,
      );
      return row?.j ?? '{"byDay":[],"byTask":[],"byModel":[]}';
    },

    /** The user's prompts, newest first, in keyset pages. */
    promptsPage(userId: string, limit: number, after?: CursorPosition): Promise<KeyedJsonRow[]> {
      const p = aiPrompts;
      const afterSql = after ? sql`and (p.created_at, p.id) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return queryRows<KeyedJsonRow>(
        db,
        sql`select json_build_object('id', p.id, 'task', p.task, 'model', p.model, 'contactIds', p.contact_ids,
                   'prompt', p.prompt, 'answer', p.answer, 'status', p.status, 'createdAt', ${isoSql(sql`p.created_at`)})::text as j,
                   p.created_at::text as k, p.id::text as id
            from ${p} p where p.user_id = ${userId} ${afterSql}
            order by p.created_at desc, p.id desc limit ${limit + 1}`,
      );
    },
  };
}
export type AiRepo = ReturnType<typeof createAiRepo>;
