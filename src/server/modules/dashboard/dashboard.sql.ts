import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { calendarEvents, contacts, interactions } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';

const c = alias(contacts, 'c');

/** Weeks in the interactions-per-week series (the current week is the last). */
export const WEEKS = 12;
/** An inbound client email counts as answered when an outbound reply in its thread follows within this. */
export const REPLY_WITHIN_HOURS = 48;
/** Only recent emails say how the practitioner answers today. */
export const RESPONSE_WINDOW_DAYS = 90;

/**
 * The date of month `m`, day `d` (columns of x) in year `year`, with 29 February falling on
 * 28 February in common years.
 */
const anniversary = (year: SQL) =>
  sql`make_date(${year}, x.m, least(x.d, extract(day from make_date(${year}, x.m, 1) + interval '1 month - 1 day')::int))`;

/**
 * Birthdays and important dates of the user's contacts whose next occurrence is within `days`
 * of t.today (the user's local date, from the enclosing statement). Dates recur every year; one
 * set in a future year first occurs on that date. Malformed stored dates are skipped, never fatal.
 */
export function upcomingDatesSql(userId: SQL | string, days: number, max: number): SQL {
  const base = sql`greatest(extract(year from t.today)::int, x.y)`;
  return sql`(
    select coalesce(json_agg(json_build_object(
        'contactId', u.id, 'name', u.name, 'label', u.label,
        'date', to_char(u.next, 'YYYY-MM-DD'), 'daysAway', u.next - t.today
      ) order by u.next, lower(u.name), u.id, u.label), '[]'::json)
    from (
      select ${c.id}, ${c.name}, x.label, n.next
      from ${contacts} c
      -- Month-days (month × 100 + day) in the window; 29 February stands in for 28 February of
      -- common years. contacts.month_days holds the same codes, under a GIN index.
      cross join (
        select array_agg((extract(month from t.today + g) * 100 + extract(day from t.today + g))::smallint) || '{229}'::smallint[] as days
        from generate_series(0, ${days}::int) g
      ) md
      cross join lateral (
        select 'Birthday'::text as label, extract(year from ${c.birthday})::int as y,
               extract(month from ${c.birthday})::int as m, extract(day from ${c.birthday})::int as d
        where ${c.birthday} is not null
        union all
        select left(e->>'label', 100), substr(e->>'date', 1, 4)::int, substr(e->>'date', 6, 2)::int, substr(e->>'date', 9, 2)::int
        from jsonb_array_elements(case when jsonb_typeof(${c.importantDates}) = 'array' then ${c.importantDates} else '[]'::jsonb end) e
        where jsonb_typeof(e) = 'object' and e->>'label' is not null and (e->>'date') ~ '^\\d{4}-\\d{2}-\\d{2}$'
      ) x
      cross join lateral (
        select case when x.m between 1 and 12 and x.d between 1 and 31 then
          case when ${anniversary(base)} >= t.today then ${anniversary(base)} else ${anniversary(sql`${base} + 1`)} end
        end as next
      ) n
      where ${c.userId} = ${userId} and ${c.status} <> 'archived' and n.next <= t.today + ${days}::int
        -- An indexed month-day prefilter, so the date arithmetic above runs for a few contacts, not all.
        and ${c.monthDays} && md.days
      order by n.next, lower(${c.name}), ${c.id}, x.label
      limit ${max}
    ) u
  )`;
}

/**
 * The user's sessions from the start of t.today (local) through the next `days` days, soonest
 * first, at most `max`: meetings on the timeline (synced or imported calendar events, one session
 * per event with every matched contact, and meetings logged ahead by hand) and sessions scheduled
 * by hand (calendar_events). Read through interactions_user_occurred_idx and
 * calendar_events_user_starts_idx (a time range of one user).
 */
export function upcomingSessionsSql(userId: SQL | string, days: number, max: number): SQL {
  const from = sql`(t.today::timestamp at time zone t.tz)`;
  const to = sql`((t.today + ${days + 1}::int)::timestamp at time zone t.tz)`;
  const i = interactions;
  const e = calendarEvents;
  // A synced event's entries share their source id up to the trailing `:<contact id>`.
  const eventKey = sql`coalesce(regexp_replace(${i.sourceId}, ':[^:]*$', ''), ${i.id}::text)`;
  return sql`(
    select coalesce(json_agg(json_build_object(
        'key', s.key, 'title', s.title, 'startsAt', ${isoSql(sql`s.starts_at`)}, 'allDay', s.all_day,
        'kind', s.kind, 'contacts', s.people
      ) order by s.starts_at, s.key), '[]'::json)
    from (
      select u.* from (
        select ${i.source}::text || ':' || ${eventKey} as key, min(${i.subject}) as title, ${i.occurredAt} as starts_at,
               coalesce(bool_or((${i.metadata}->>'allDay')::boolean), false) as all_day, max(${i.metadata}->>'kind') as kind,
               json_agg(json_build_object('id', ${c.id}, 'name', ${c.name}) order by lower(${c.name}), ${c.id}) as people
        from ${interactions} join ${contacts} c on ${c.id} = ${i.contactId}
        where ${i.userId} = ${userId} and ${i.type} = 'meeting' and ${i.deletedAt} is null
          and ${i.occurredAt} >= ${from} and ${i.occurredAt} < ${to}
        group by ${i.source}, ${eventKey}, ${i.occurredAt}
        union all
        select 'scheduled:' || ${e.id}::text, ${e.title}, ${e.startsAt}, ${e.isAllDay}, null,
               case when ${c.id} is null then '[]'::json else json_build_array(json_build_object('id', ${c.id}, 'name', ${c.name})) end
        from ${calendarEvents} left join ${contacts} c on ${c.id} = ${e.contactId}
        where ${e.userId} = ${userId} and ${e.status} <> 'cancelled' and ${e.startsAt} >= ${from} and ${e.startsAt} < ${to}
      ) u
      order by u.starts_at, u.key
      limit ${max}
    ) s
  )`;
}
