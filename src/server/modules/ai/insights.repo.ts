import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { aiInsights, contacts, goals, interactions, taskContacts, tasks, users } from '../../db/schema/index.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';
import { consentGrantedSql } from '../consent/consent.sql.js';
import type { LifecycleStage } from '../../../shared/domain.js';

const KIND = 'contact';
const L = LIMITS.ai.insights;

/** Bump when the stored content's shape or the prompt changes: every cached insight becomes stale. */
const FORMAT = 1;

export type InsightEntry = {
  id: string;
  type: string;
  subject: string;
  content: string;
  occurredAt: string;
  sentiment: number | null;
};
export type InsightGoal = {
  id: string;
  title: string;
  description: string;
  status: string;
  currentValue: number;
  targetValue: number | null;
  unit: string;
  deadline: string | null;
};
export type InsightTask = { id: string; title: string; description: string; status: string; priority: string; dueAt: string | null };
export type InsightInput = {
  fingerprint: string;
  consent: boolean;
  contact: { stage: LifecycleStage; status: string; cadenceDays: number | null; lastContactAt: string | null; createdAt: string };
  /** Non-private timeline entries in the last 30 days and the 30 days before (the engagement trend). */
  recent: { last30: number; previous30: number };
  interactions: InsightEntry[];
  goals: InsightGoal[];
  tasks: InsightTask[];
};
export type CachedInsight = {
  consent: boolean;
  fresh: boolean;
  model: string | null;
  content: Record<string, unknown> | null;
  created_at: string | null;
};

/**
 * The cache key of a contact's insights: the contact's version and, for each of its timeline
 * entries, goals and tasks (deleted ones left out), id, version and sentiment. Every edit, new
 * record, delete, restore or privacy change moves a version or the set, so the key changes.
 */
function fingerprintSql(c: SQL): SQL {
  const rows = (from: SQL, key: SQL) => sql`coalesce((select string_agg(${key}, ',' order by r.id) from ${from}), '')`;
  return sql`md5(concat_ws('|', ${sql.raw(String(FORMAT))}, ${c}.version,
    ${rows(sql`${interactions} r where r.contact_id = ${c}.id and r.deleted_at is null`, sql`r.id || ':' || r.version || ':' || coalesce(r.sentiment, 0)`)},
    ${rows(sql`${goals} r where r.contact_id = ${c}.id and r.deleted_at is null`, sql`r.id || ':' || r.version`)},
    ${rows(
      sql`${tasks} r join ${taskContacts} tc on tc.task_id = r.id where tc.contact_id = ${c}.id and r.deleted_at is null`,
      sql`r.id || ':' || r.version`,
    )}))`;
}

/** The stored insights of a contact and the data they are built from; each read is one statement. */
export function createInsightsRepo(db: Db) {
  return {
    /** Whether the contact is the user's (undefined when not), its consent, and the stored insights with whether they are current. */
    async cached(userId: string, contactId: string): Promise<CachedInsight | undefined> {
      const [row] = await queryRows<CachedInsight>(
        db,
        sql`select ${consentGrantedSql(sql`c.id`, 'ai_processing')} as consent,
                   x.input_hash is not distinct from ${fingerprintSql(sql`c`)} as fresh,
                   x.model, x.content, ${isoSql(sql`x.created_at`)} as created_at
            from ${contacts} c
            left join ${aiInsights} x on x.contact_id = c.id and x.user_id = ${userId} and x.kind = ${KIND}
            where c.id = ${contactId} and c.user_id = ${userId}`,
      );
      return row;
    },

    /**
     * What a prompt (or the offline assembly) may use: the latest non-private timeline entries,
     * goals and tasks (capped by LIMITS.ai.insights), the contact's rhythm and the cache key. One statement.
     */
    async input(userId: string, contactId: string, now: Date): Promise<InsightInput | undefined> {
      const at = timestampParam(now);
      const text = (col: SQL) => sql`left(${col}, ${L.textChars})`;
      const [row] = await queryRows<{ j: InsightInput }>(
        db,
        sql`select json_build_object(
              'fingerprint', ${fingerprintSql(sql`c`)},
              'consent', ${consentGrantedSql(sql`c.id`, 'ai_processing')},
              'contact', json_build_object('stage', c.lifecycle_stage, 'status', c.status,
                'cadenceDays', coalesce(c.keep_in_touch_days, (u.settings->'keepInTouchDays'->>(c.lifecycle_stage::text))::int),
                'lastContactAt', ${isoSql(sql`c.last_contact_at`)}, 'createdAt', ${isoSql(sql`c.created_at`)}),
              'recent', (select json_build_object(
                  'last30', count(*) filter (where i.occurred_at > ${at} - interval '30 days'),
                  'previous30', count(*) filter (where i.occurred_at <= ${at} - interval '30 days'))
                from ${interactions} i where i.contact_id = c.id and i.deleted_at is null and not i.is_private
                  and i.occurred_at > ${at} - interval '60 days' and i.occurred_at <= ${at}),
              'interactions', coalesce((select json_agg(json_build_object('id', i.id, 'type', i.type, 'subject', ${text(sql`i.subject`)},
                  'content', ${text(sql`i.content`)}, 'occurredAt', ${isoSql(sql`i.occurred_at`)}, 'sentiment', i.sentiment)
                  order by i.occurred_at desc, i.id desc)
                from (select * from ${interactions} i where i.contact_id = c.id and i.user_id = ${userId}
                        and i.deleted_at is null and not i.is_private
                      order by i.occurred_at desc, i.id desc limit ${L.interactions}) i), '[]'),
              'goals', coalesce((select json_agg(json_build_object('id', g.id, 'title', ${text(sql`g.title`)},
                  'description', ${text(sql`g.description`)}, 'status', g.status, 'currentValue', g.current_value,
                  'targetValue', g.target_value, 'unit', g.unit, 'deadline', g.deadline) order by g.ord)
                from (select g.*, row_number() over (order by g.status = 'active' desc, g.created_at desc, g.id) as ord
                      from ${goals} g where g.contact_id = c.id and g.user_id = ${userId} and g.deleted_at is null
                      order by ord limit ${L.goals}) g), '[]'),
              'tasks', coalesce((select json_agg(json_build_object('id', t.id, 'title', ${text(sql`t.title`)},
                  'description', ${text(sql`t.description`)}, 'status', t.status, 'priority', t.priority,
                  'dueAt', ${isoSql(sql`t.due_at`)}) order by t.ord)
                from (select t.*, row_number() over (order by t.status in ('completed', 'cancelled'), t.due_at nulls last,
                        t.created_at desc, t.id) as ord
                      from ${tasks} t join ${taskContacts} tc on tc.task_id = t.id
                      where tc.contact_id = c.id and t.user_id = ${userId} and t.deleted_at is null
                      order by ord limit ${L.tasks}) t), '[]')
            ) as j
            from ${contacts} c join ${users} u on u.id = c.user_id
            where c.id = ${contactId} and c.user_id = ${userId}`,
      );
      return row?.j;
    },

    /** Stores (or replaces) the contact's insights under the key they were made from. One statement. */
    async store(userId: string, contactId: string, fingerprint: string, model: string, content: object, now: Date): Promise<void> {
      await db.execute(sql`
        insert into ${aiInsights} (user_id, contact_id, kind, content, input_hash, model, created_at)
        values (${userId}, ${contactId}, ${KIND}, ${JSON.stringify(content)}::jsonb, ${fingerprint}, ${model}, ${timestampParam(now)})
        on conflict (contact_id, kind) do update
          set content = excluded.content, input_hash = excluded.input_hash, model = excluded.model, created_at = excluded.created_at
          where ${aiInsights}.user_id = excluded.user_id`);
    },
  };
}
export type InsightsRepo = ReturnType<typeof createInsightsRepo>;
