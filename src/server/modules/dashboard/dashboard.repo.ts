import { sql } from 'drizzle-orm';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { queryRows, type Db } from '../../platform/db.js';
import { contacts, emails, goals, interactionDayCounts, interactions, tasks, users } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';
import { dueContactsOf, type CadenceDefaults } from '../reconnect/reconnect.sql.js';
import { renderedStatement } from '../../db/rendered-sql.js';
import { REPLY_WITHIN_HOURS, RESPONSE_WINDOW_DAYS, upcomingDatesSql, upcomingSessionsSql, WEEKS } from './dashboard.sql.js';

const NO_EMAILS = 'No emails yet.';
const NO_CLIENT_EMAILS = `No client emails in the last ${RESPONSE_WINDOW_DAYS} days to measure yet.`;

/**
 * One statement: every dashboard figure as JSON text. Weeks start on Monday and months on the 1st
 * in the user's time zone; `at` is the injected clock's instant. Rendered once (rendered-sql.ts).
 */
const statsStatement = renderedStatement<'userId' | 'at' | 'defaults'>(({ userId, at: atIso, defaults }) => {
  const at = sql`${atIso}::timestamptz`;
  const local = (ts: string) => sql`((${sql.raw(ts)}) at time zone t.tz)`;
  const { upcomingDays, upcomingMax, sessionDays, sessionsMax } = LIMITS.dashboard;
  return sql`
        with t as (
          select u.timezone as tz,
                 date_trunc('week', ${at} at time zone u.timezone) as wk,
                 date_trunc('month', ${at} at time zone u.timezone) as mo,
                 (${at} at time zone u.timezone)::date as today
          from ${users} u where u.id = ${userId}
        ),
        -- The last 12 local weeks from the per-day counts that triggers keep (interaction_day_counts):
        -- a few hundred rows whatever the number of interactions. Days are local dates, so a week is
        -- exactly seven of them.
        weekly as (
          select t.wk - (${WEEKS - 1}::int - x.k) * interval '7 days' as ws, x.n, x.sessions
          from t, (
            select (d.day - t.wk::date + ${(WEEKS - 1) * 7}::int) / 7 as k,
                   sum(d.n)::int as n,
                   coalesce(sum(d.n) filter (where d.type in ('meeting', 'class_attendance')), 0)::int as sessions
            from ${interactionDayCounts} d, t
            where d.user_id = ${userId} and d.day >= t.wk::date - ${(WEEKS - 1) * 7}::int and d.day < t.wk::date + 7
            group by 1
          ) x
        ),
        -- Last week up to the same weekday and local time as now: whole days from the per-day counts,
        -- the part of that one day from the interactions themselves (an index range of one day).
        lw as (
          select coalesce(sum(x.sessions), 0)::int as sessions, coalesce(sum(x.n), 0)::int as n
          from (
            select d.n, case when d.type in ('meeting', 'class_attendance') then d.n else 0 end as sessions
            from ${interactionDayCounts} d, t
            where d.user_id = ${userId} and d.day >= t.wk::date - 7 and d.day < t.today - 7
            union all
            select 1, case when i.type in ('meeting', 'class_attendance') then 1 else 0 end
            from ${interactions} i, t
            where i.user_id = ${userId} and i.deleted_at is null
              and i.occurred_at >= ((t.today - 7)::timestamp at time zone t.tz)
              and i.occurred_at < (((${at} at time zone t.tz) - interval '7 days') at time zone t.tz)
          ) x
        ),
        stages as (
          select lifecycle_stage, count(*)::int as n from ${contacts} where user_id = ${userId} group by 1
        )
        select json_build_object(
          'clientsByStage', (
            select json_object_agg(s.stage, coalesce(n.n, 0) order by s.stage)
            from unnest(enum_range(null::lifecycle_stage)) s(stage)
            left join stages n on n.lifecycle_stage = s.stage),
          'totalContacts', (select coalesce(sum(n), 0)::int from stages),
          'sessionsThisWeek', coalesce((select sessions from weekly where ws = t.wk), 0),
          'sessionsLastWeek', coalesce((select sessions from weekly where ws = t.wk - interval '7 days'), 0),
          'sessionsLastWeekToDate', (select sessions from lw),
          'interactionsLastWeekToDate', (select n from lw),
          'goalsAchievedThisMonth', (
            select count(*)::int from ${goals} g
            where g.user_id = ${userId} and g.status = 'completed' and g.deleted_at is null
              and g.completed_at >= ${local('t.mo')} and g.completed_at < ${local("t.mo + interval '1 month'")}),
          'responseRate', (
            select json_build_object(
              'value', case when r.eligible > 0 then round(r.answered::numeric / r.eligible, 4)::float8 end,
              'reason', case when not r.has_emails then ${NO_EMAILS}::text when r.eligible = 0 then ${NO_CLIENT_EMAILS}::text end)
            from (
              select exists (select 1 from ${emails} where user_id = ${userId}) as has_emails,
                     count(*)::int as eligible,
                     count(*) filter (where x.answered)::int as answered
              from (
                select e.sent_at, exists (
                  select 1 from ${emails} o
                  where o.user_id = e.user_id and o.thread_id = e.thread_id and o.direction = 'outbound'
                    and o.sent_at > e.sent_at and o.sent_at <= e.sent_at + ${REPLY_WITHIN_HOURS} * interval '1 hour'
                ) as answered
                from ${emails} e
                where e.user_id = ${userId} and e.direction = 'inbound' and e.contact_id is not null
                  and e.sent_at >= ${at} - ${RESPONSE_WINDOW_DAYS} * interval '1 day' and e.sent_at <= ${at}
              ) x
              -- A recent email not answered yet may still be answered in time: it is not judged.
              where x.answered or x.sent_at <= ${at} - ${REPLY_WITHIN_HOURS} * interval '1 hour'
            ) r),
          'interactionsPerWeek', (
            select json_agg(json_build_object('weekStart', to_char(w.ws, 'YYYY-MM-DD'), 'count', coalesce(k.n, 0)) order by w.ws)
            from generate_series(t.wk - ${WEEKS - 1} * interval '7 days', t.wk, interval '7 days') w(ws)
            left join weekly k on k.ws = w.ws),
          'followUpsDue', (select count(*)::int from ${dueContactsOf(userId, atIso, defaults)} f),
          'overdueTasks', (
            select count(*)::int from ${tasks} k
            where k.user_id = ${userId} and k.status in ${OPEN_STATUSES_SQL} and k.due_at < ${at} and k.deleted_at is null),
          'upcomingDates', ${upcomingDatesSql(userId, upcomingDays, upcomingMax)},
          'upcomingSessions', ${upcomingSessionsSql(userId, sessionDays, sessionsMax)},
          'generatedAt', ${isoSql(at)}
        )::text as j
        from t`;
});

export function createDashboardRepo(db: Db) {
  return {
    /** The dashboard's figures as JSON text; undefined for an unknown user. */
    async computeStats(userId: string, now: Date, defaults: CadenceDefaults): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        statsStatement({ userId, at: now.toISOString(), defaults: JSON.stringify(defaults) }),
      );
      return row?.j;
    },
  };
}
export type DashboardRepo = ReturnType<typeof createDashboardRepo>;
