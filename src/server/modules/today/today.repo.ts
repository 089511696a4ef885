import { sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { queryRows, type Db } from '../../platform/db.js';
import { calendarEvents, contacts, tasks, users } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';
import { dueContactsSql, reconnectGroupSql, type CadenceDefaults } from '../reconnect/reconnect.sql.js';

const L = LIMITS.today;
const photoUrl = (photoId: SQL) => sql`case when ${photoId} is null then null else '/api/photos/' || ${photoId} end`;
const jsonList = (inner: SQL, order: SQL) => sql`(select coalesce(json_agg(x.j order by ${order}), '[]'::json) from (${inner}) x)`;

/** People of one reconnect group, ranked, at most reconnectPerGroup of them. */
function groupSql(group: string, order: SQL): SQL {
  return jsonList(
    sql`select json_build_object(
          'contact', json_build_object('id', r.id, 'name', r.name, 'photoUrl', ${photoUrl(sql`r.photo_id`)},
            'lifecycleStage', r.lifecycle_stage, 'lastContactAt', ${isoSql(sql`r.last_contact_at`)},
            'email', r.emails[1], 'phone', r.phones[1]),
          'cadenceDays', r.cadence,
          'daysSinceContact', r.days_since,
          'overdueDays', r.overdue_days,
          'timesCadence', round(r.ratio::numeric, 1)::float8) as j, row_number() over (order by ${order}) as n
        from r where r.grp = ${group}
        order by ${order} limit ${L.reconnectPerGroup}`,
    sql`x.n`,
  );
}

/** Open tasks due in [from, to), soonest first. */
function taskListSql(range: SQL): SQL {
  return sql`select json_build_object('id', k.id, 'title', k.title, 'status', k.status, 'priority', k.priority,
            'dueAt', ${isoSql(sql`k.due_at`)}, 'projectId', k.project_id) as j, k.due_at, k.id
          from ${tasks} k, t where k.user_id = t.uid and k.deleted_at is null and k.status in ${OPEN_STATUSES_SQL} and ${range}
          order by k.due_at, k.id limit ${L.tasksMax}`;
}

export function createTodayRepo(db: Db) {
  return {
    /**
     * One statement: the Today view as JSON text. Days are the user's local days; `now` comes from
     * the injected clock. Undefined for an unknown user.
     */
    async compute(userId: string, now: Date, defaults: CadenceDefaults): Promise<string | undefined> {
      const at = sql`${now.toISOString()}::timestamptz`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        with t as (
          select u.id as uid, u.timezone as tz, (${at} at time zone u.timezone)::date as today,
                 date_trunc('day', ${at} at time zone u.timezone) at time zone u.timezone as day0,
                 (date_trunc('day', ${at} at time zone u.timezone) + interval '1 day') at time zone u.timezone as day1,
                 (date_trunc('day', ${at} at time zone u.timezone) + interval '2 days') at time zone u.timezone as day2
          from ${users} u where u.id = ${userId}
        ),
        r as (
          select r.*, ${reconnectGroupSql} as grp,
                 extract(epoch from (${at} - r.since)) / 86400 / greatest(r.cadence, 1) as ratio,
                 floor(extract(epoch from (${at} - r.since)) / 86400)::int as days_since,
                 floor(extract(epoch from (${at} - r.due)) / 86400)::int as overdue_days
          from ${dueContactsSql(userId, now, defaults)} r
        ),
        ev as (
          -- All-day events are stored at UTC midnight of their date; timed ones fall on the user's local day.
          select e.*, case when e.is_all_day then (e.starts_at at time zone 'UTC')::date else (e.starts_at at time zone t.tz)::date end as local_day
          from ${calendarEvents} e, t
          where e.user_id = t.uid and e.status <> 'cancelled'
            and e.starts_at >= t.day0 - interval '1 day' and e.starts_at < t.day2 + interval '1 day'
        )
        select json_build_object(
          'timezone', t.tz,
          'date', to_char(t.today, 'YYYY-MM-DD'),
          'sessions', ${jsonList(
            sql`select json_build_object('id', ev.id, 'title', ev.title, 'location', ev.location,
                  'startsAt', ${isoSql(sql`ev.starts_at`)}, 'endsAt', ${isoSql(sql`ev.ends_at`)}, 'isAllDay', ev.is_all_day,
                  'day', case when ev.local_day = t.today then 'today' else 'tomorrow' end,
                  'contact', case when c.id is null then null else json_build_object('id', c.id, 'name', c.name,
                    'photoUrl', ${photoUrl(sql`c.photo_id`)}, 'phone', c.phones[1], 'email', c.emails[1]) end) as j,
                  ev.local_day, ev.is_all_day, ev.starts_at, ev.id
                from ev left join ${contacts} c on c.id = ev.contact_id and c.user_id = t.uid
                where ev.local_day in (t.today, t.today + 1)
                order by ev.local_day, ev.is_all_day desc, ev.starts_at, ev.id limit ${L.sessionsMax}`,
            sql`x.local_day, x.is_all_day desc, x.starts_at, x.id`,
          )},
          'reconnect', json_build_object(
            'due', ${groupSql('due', sql`least(r.ratio, ${L.overdueRatioCap}::float8) desc, r.since desc, r.id`)},
            'dueCount', (select count(*)::int from r where r.grp = 'due'),
            'never', ${groupSql('never', sql`r.since desc, r.id`)},
            'neverCount', (select count(*)::int from r where r.grp = 'never'),
            'inactive', ${groupSql('inactive', sql`r.since desc, r.id`)},
            'inactiveCount', (select count(*)::int from r where r.grp = 'inactive')),
          'birthdays', ${jsonList(
            sql`select json_build_object('contactId', c.id, 'name', c.name, 'photoUrl', ${photoUrl(sql`c.photo_id`)},
                  'date', to_char(n.next, 'YYYY-MM-DD'), 'daysAway', n.next - t.today,
                  'age', case when extract(year from n.next) > extract(year from c.birthday)
                    then (extract(year from n.next) - extract(year from c.birthday))::int end) as j, n.next, c.name, c.id
                from ${contacts} c
                cross join (
                  select array_agg((extract(month from t.today + g) * 100 + extract(day from t.today + g))::smallint) || '{229}'::smallint[] as days
                  from generate_series(0, ${L.birthdayDays}::int) g
                ) md
                cross join lateral (
                  select case when a.y0 >= t.today then a.y0 else a.y1 end as next
                  from (select (c.birthday + make_interval(years => (extract(year from t.today) - extract(year from c.birthday))::int))::date as y0,
                               (c.birthday + make_interval(years => (extract(year from t.today) - extract(year from c.birthday))::int + 1))::date as y1) a
                ) n
                where c.user_id = t.uid and c.status <> 'archived' and c.birthday is not null
                  and c.month_days && md.days and n.next <= t.today + ${L.birthdayDays}::int
                order by n.next, lower(c.name), c.id limit 50`,
            sql`x.next, lower(x.name), x.id`,
          )},
          'tasks', json_build_object(
            'overdue', ${jsonList(taskListSql(sql`k.due_at < t.day0`), sql`x.due_at, x.id`)},
            'overdueCount', (select count(*)::int from ${tasks} k
              where k.user_id = t.uid and k.deleted_at is null and k.status in ${OPEN_STATUSES_SQL} and k.due_at < t.day0),
            'dueToday', ${jsonList(taskListSql(sql`k.due_at >= t.day0 and k.due_at < t.day1`), sql`x.due_at, x.id`)},
            'dueTodayCount', (select count(*)::int from ${tasks} k
              where k.user_id = t.uid and k.deleted_at is null and k.status in ${OPEN_STATUSES_SQL} and k.due_at >= t.day0 and k.due_at < t.day1)),
          'generatedAt', ${isoSql(at)}
        )::text as j
        from t`,
      );
      return row?.j;
    },

    /** Sets (or clears) a contact's snooze; false when the contact is not the user's. */
    async snooze(userId: string, contactId: string, until: Date | null, now: Date): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update ${contacts} set snoozed_until = ${until ? until.toISOString() : null}::timestamptz, updated_at = ${now.toISOString()}::timestamptz
            where user_id = ${userId} and id = ${contactId} returning id`,
      );
      return rows.length > 0;
    },
  };
}
export type TodayRepo = ReturnType<typeof createTodayRepo>;
