import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { OPEN_STATUSES_SQL } from '../tasks/tasks.sql.js';
import { queryRows, type Db } from '../../platform/db.js';
import { calendarEvents, contacts, tasks, users } from '../../db/schema/index.js';
import { isoSql, photoUrlSql } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';
import { dueContactsOf, reconnectGroupSql, type CadenceDefaults } from '../reconnect/reconnect.sql.js';
import { renderedStatement } from '../../db/rendered-sql.js';

const L = LIMITS.today;
const k = alias(tasks, 'k');
const c = alias(contacts, 'c');
const e = alias(calendarEvents, 'e');
// The ev CTE is calendar_events plus local_day, so the table's columns name its columns too.
const ev = alias(calendarEvents, 'ev');
const jsonList = (inner: SQL, order: SQL) => sql`(select coalesce(json_agg(x.j order by ${order}), '[]'::json) from (${inner}) x)`;

/** People of one reconnect group, ranked, at most reconnectPerGroup of them. */
function groupSql(group: string, order: SQL): SQL {
  return jsonList(
    sql`select json_build_object(
          'contact', json_build_object('id', r.id, 'name', r.name, 'photoUrl', ${photoUrlSql(sql`r.photo_id`)},
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

/** The user's open tasks, alias k (soft-deleted ones never count). */
const openTasksOf = (uid: SQL) => sql`${k.userId} = ${uid} and ${k.deletedAt} is null and ${k.status} in ${OPEN_STATUSES_SQL}`;

/** Open tasks due in [from, to), soonest first. */
function taskListSql(range: SQL): SQL {
  return sql`select json_build_object('id', ${k.id}, 'title', ${k.title}, 'status', ${k.status}, 'priority', ${k.priority},
            'dueAt', ${isoSql(k.dueAt)}, 'projectId', ${k.projectId}) as j, ${k.dueAt} as due_at, ${k.id} as id
          from ${tasks} k, t where ${openTasksOf(sql`t.uid`)} and ${range}
          order by ${k.dueAt}, ${k.id} limit ${L.tasksMax}`;
}

/**
 * One statement: the Today view as JSON text. Days are the user's local days; `at` is the injected
 * clock's instant. Rendered once (rendered-sql.ts).
 */
const todayStatement = renderedStatement<'userId' | 'at' | 'defaults'>(({ userId, at: atIso, defaults }) => {
  const at = sql`${atIso}::timestamptz`;
  const overdue = sql`${k.dueAt} < t.day0`;
  const dueToday = sql`${k.dueAt} >= t.day0 and ${k.dueAt} < t.day1`;
  return sql`
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
          from ${dueContactsOf(userId, atIso, defaults)} r
        ),
        ev as (
          -- All-day events are stored at UTC midnight of their date; timed ones fall on the user's local day.
          select e.*, case when ${e.isAllDay} then (${e.startsAt} at time zone 'UTC')::date else (${e.startsAt} at time zone t.tz)::date end as local_day
          from ${calendarEvents} e, t
          where ${e.userId} = t.uid and ${e.status} <> 'cancelled'
            and ${e.startsAt} >= t.day0 - interval '1 day' and ${e.startsAt} < t.day2 + interval '1 day'
        )
        select json_build_object(
          'timezone', t.tz,
          'date', to_char(t.today, 'YYYY-MM-DD'),
          'sessions', ${jsonList(
            sql`select json_build_object('id', ${ev.id}, 'title', ${ev.title}, 'location', ${ev.location},
                  'startsAt', ${isoSql(ev.startsAt)}, 'endsAt', ${isoSql(ev.endsAt)}, 'isAllDay', ${ev.isAllDay},
                  'day', case when ev.local_day = t.today then 'today' else 'tomorrow' end,
                  'contact', case when ${c.id} is null then null else json_build_object('id', ${c.id}, 'name', ${c.name},
                    'photoUrl', ${photoUrlSql(c.photoId)}, 'phone', ${c.phones}[1], 'email', ${c.emails}[1]) end) as j,
                  ev.local_day, ${ev.isAllDay} as is_all_day, ${ev.startsAt} as starts_at, ${ev.id} as id
                from ev left join ${contacts} c on ${c.id} = ${ev.contactId} and ${c.userId} = t.uid
                where ev.local_day in (t.today, t.today + 1)
                order by ev.local_day, ${ev.isAllDay} desc, ${ev.startsAt}, ${ev.id} limit ${L.sessionsMax}`,
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
            sql`select json_build_object('contactId', ${c.id}, 'name', ${c.name}, 'photoUrl', ${photoUrlSql(c.photoId)},
                  'date', to_char(n.next, 'YYYY-MM-DD'), 'daysAway', n.next - t.today,
                  'age', case when extract(year from n.next) > extract(year from ${c.birthday})
                    then (extract(year from n.next) - extract(year from ${c.birthday}))::int end) as j, n.next, ${c.name} as name, ${c.id} as id
                from ${contacts} c
                cross join (
                  select array_agg((extract(month from t.today + g) * 100 + extract(day from t.today + g))::smallint) || '{229}'::smallint[] as days
                  from generate_series(0, ${L.birthdayDays}::int) g
                ) md
                cross join lateral (
                  select case when a.y0 >= t.today then a.y0 else a.y1 end as next
                  from (select (${c.birthday} + make_interval(years => (extract(year from t.today) - extract(year from ${c.birthday}))::int))::date as y0,
                               (${c.birthday} + make_interval(years => (extract(year from t.today) - extract(year from ${c.birthday}))::int + 1))::date as y1) a
                ) n
                where ${c.userId} = t.uid and ${c.status} <> 'archived' and ${c.birthday} is not null
                  and ${c.monthDays} && md.days and n.next <= t.today + ${L.birthdayDays}::int
                order by n.next, lower(${c.name}), ${c.id} limit 50`,
            sql`x.next, lower(x.name), x.id`,
          )},
          'tasks', json_build_object(
            'overdue', ${jsonList(taskListSql(overdue), sql`x.due_at, x.id`)},
            'overdueCount', (select count(*)::int from ${tasks} k where ${openTasksOf(sql`t.uid`)} and ${overdue}),
            'dueToday', ${jsonList(taskListSql(dueToday), sql`x.due_at, x.id`)},
            'dueTodayCount', (select count(*)::int from ${tasks} k where ${openTasksOf(sql`t.uid`)} and ${dueToday})),
          'generatedAt', ${isoSql(at)}
        )::text as j
        from t`;
});

export function createTodayRepo(db: Db) {
  return {
    /** The Today view as JSON text; undefined for an unknown user. */
    async compute(userId: string, now: Date, defaults: CadenceDefaults): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        todayStatement({ userId, at: now.toISOString(), defaults: JSON.stringify(defaults) }),
      );
      return row?.j;
    },

    /** Sets (or clears) a contact's snooze; false when the contact is not the user's. */
    async snooze(userId: string, contactId: string, until: Date | null, now: Date): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update ${contacts} set ${sql.identifier(contacts.snoozedUntil.name)} = ${until ? until.toISOString() : null}::timestamptz,
              ${sql.identifier(contacts.updatedAt.name)} = ${now.toISOString()}::timestamptz
            where ${contacts.userId} = ${userId} and ${contacts.id} = ${contactId} returning id`,
      );
      return rows.length > 0;
    },
  };
}
export type TodayRepo = ReturnType<typeof createTodayRepo>;
