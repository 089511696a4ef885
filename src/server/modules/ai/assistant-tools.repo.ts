import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { calendarEvents, contacts, goals, interactions, taskContacts, tasks } from '../../db/schema/index.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import { escapeLike } from '../contacts/search-text.js';

export type ContactHit = {
  id: string;
  name: string;
  stage: string;
  status: string;
  last_contact_at: string | null;
  sentiment: number | null;
};
export type TimelineItem = { id: string; contact_id: string; type: string; occurred_at: string; subject: string; content: string };
export type EventRow = { id: string; contact_id: string | null; title: string; starts_at: string; ends_at: string | null };
export type TaskRow = { id: string; title: string; status: string; priority: string; due_at: string | null; contact_ids: string[] };
export type GoalRow = {
  id: string;
  contact_id: string;
  title: string;
  status: string;
  current_value: number;
  target_value: number | null;
  unit: string;
};

/**
 * The assistant's read-only tools, each one statement scoped to the user and bounded by `limit`.
 * Consent is the caller's: it filters rows through `engine.allowed` before anything reaches a model.
 */
export function createAssistantToolsRepo(db: Db) {
  return {
    /**
     * Contacts matching any of the folded terms in their searchable fields or in what their timeline
     * says, most matching terms first; without terms, the most recently contacted. `quietDays`: only
     * contacts not contacted for that many days (or never).
     */
    searchContacts(userId: string, terms: string[], limit: number, now: Date, quietDays?: number) {
      const likes = terms.map((t) => `%${escapeLike(t)}%`);
      const score = likes.length
        ? sql.join(
            likes.map(
              (l) => sql`(case when c.search_text like ${l} or exists (select 1 from ${interactions} i
                where i.user_id = ${userId} and i.contact_id = c.id and i.deleted_at is null and not i.is_private
                  and lower(i.subject || ' ' || i.content) like ${l}) then 1 else 0 end)`,
            ),
            sql` + `,
          )
        : sql`0`;
      const quiet =
        quietDays === undefined
          ? sql``
          : sql`and coalesce(c.last_contact_at, '-infinity'::timestamptz) < ${timestampParam(now)} - make_interval(days => ${quietDays})`;
      return queryRows<ContactHit & { score: number }>(
        db,
        sql`select * from (
              select c.id, c.name, c.lifecycle_stage::text as stage, c.status::text as status,
                     ${isoSql(sql`c.last_contact_at`)} as last_contact_at, c.sentiment, (${score})::int as score
              from ${contacts} c where c.user_id = ${userId} ${quiet}) x
            where ${likes.length ? sql`x.score > 0` : sql`true`}
            order by x.score desc, x.last_contact_at desc nulls last, x.id limit ${limit}`,
      );
    },

    /** The contact's latest timeline entries, or none when the contact is not the user's. */
    timeline(userId: string, contactId: string, limit: number) {
      return queryRows<TimelineItem>(
        db,
        sql`select i.id, i.contact_id, i.type::text as type, ${isoSql(sql`i.occurred_at`)} as occurred_at, i.subject, i.content
            from ${interactions} i where i.user_id = ${userId} and i.contact_id = ${contactId} and i.deleted_at is null
              and not i.is_private
            order by i.occurred_at desc, i.id desc limit ${limit}`,
      );
    },

    /** Calendar events starting in [from, to), earliest first. */
    events(userId: string, from: Date, to: Date, limit: number) {
      return queryRows<EventRow>(
        db,
        sql`select e.id, e.contact_id, e.title, ${isoSql(sql`e.starts_at`)} as starts_at, ${isoSql(sql`e.ends_at`)} as ends_at
            from ${calendarEvents} e where e.user_id = ${userId} and e.starts_at >= ${timestampParam(from)} and e.starts_at < ${timestampParam(to)}
            order by e.starts_at, e.id limit ${limit}`,
      );
    },

    /** Tasks not done (or those of one status), soonest due first, with the contacts they are about. */
    tasks(userId: string, status: string | undefined, limit: number) {
      const which = status ? sql`t.status::text = ${status}` : sql`t.status::text not in ('completed', 'cancelled')`;
      return queryRows<TaskRow>(
        db,
        sql`select t.id, t.title, t.status::text as status, t.priority::text as priority, ${isoSql(sql`t.due_at`)} as due_at,
                   coalesce((select array_agg(tc.contact_id) from ${taskContacts} tc where tc.task_id = t.id and tc.user_id = ${userId}), '{}') as contact_ids
            from ${tasks} t where t.user_id = ${userId} and t.deleted_at is null and ${which}
            order by t.due_at nulls last, t.id limit ${limit}`,
      );
    },

    /** Goals of one contact, or of every contact, active first. */
    goals(userId: string, contactId: string | undefined, limit: number) {
      return queryRows<GoalRow>(
        db,
        sql`select g.id, g.contact_id, g.title, g.status::text as status, g.current_value::float8 as current_value,
                   g.target_value::float8 as target_value, g.unit
            from ${goals} g where g.user_id = ${userId} and g.deleted_at is null ${contactId ? sql`and g.contact_id = ${contactId}` : sql``}
            order by (g.status = 'active') desc, g.created_at desc, g.id limit ${limit}`,
      );
    },

    /** Counts of the practice (no client data): contacts by status, sessions of the last 30 days, open and overdue tasks. */
    async stats(userId: string, now: Date) {
      const at = timestampParam(now);
      const [row] = await queryRows<Record<string, number>>(
        db,
        sql`select
              (select count(*) from ${contacts} where user_id = ${userId})::int as contacts,
              (select count(*) from ${contacts} where user_id = ${userId} and status = 'active')::int as active_contacts,
              (select count(*) from ${interactions} where user_id = ${userId} and deleted_at is null
                 and occurred_at >= ${at} - interval '30 days' and occurred_at < ${at})::int as interactions_last_30_days,
              (select count(*) from ${tasks} where user_id = ${userId} and deleted_at is null
                 and status::text not in ('completed', 'cancelled'))::int as open_tasks,
              (select count(*) from ${tasks} where user_id = ${userId} and deleted_at is null
                 and status::text not in ('completed', 'cancelled') and due_at < ${at})::int as overdue_tasks,
              (select count(*) from ${goals} where user_id = ${userId} and deleted_at is null and status = 'active')::int as active_goals`,
      );
      return row ?? {};
    },

    /** Names of contacts by id (the user's only), for citation labels. */
    names(userId: string, ids: readonly string[]) {
      if (!ids.length) return Promise.resolve([] as Array<{ id: string; name: string }>);
      return queryRows<{ id: string; name: string }>(
        db,
        sql`select c.id, c.name from ${contacts} c where c.user_id = ${userId}
            and c.id = any(array(select x::uuid from unnest(${`{${ids.join(',')}}`}::text[]) x))`,
      );
    },
  };
}
export type AssistantToolsRepo = ReturnType<typeof createAssistantToolsRepo>;
