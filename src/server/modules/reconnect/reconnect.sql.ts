import { sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { contacts, users } from '../../db/schema/index.js';

const c = alias(contacts, 'c');

export type CadenceDefaults = Record<string, number>;

/**
 * The keep-in-touch candidates of a user as a subquery: active contacts with their cadence (the
 * contact's own, else the user's setting for its stage, else the product default), the time of
 * their last contact (or creation, never contacted) and when they fall due. Shared by the
 * reconnect list and the dashboard's follow-up count so both always agree.
 *
 * A contact snoozed from the Today view stays off until its snooze ends.
 *
 * The stage cadences are worked out once per statement (eight rows, `offset 0` keeps the planner
 * from re-evaluating them per contact), and the filter compares each contact's last contact with
 * a precomputed instant, so counting thousands of contacts costs a comparison each.
 *
 * `dueBy` (default `now`) widens it to contacts falling due by then, snoozes ending by then
 * included: the calendar feed asks for the coming months.
 */
export function dueContactsSql(userId: string, now: Date, defaults: CadenceDefaults, dueBy: Date = now): SQL {
  return dueContactsOf(userId, dueBy.toISOString(), JSON.stringify(defaults));
}

/**
 * dueContactsSql with each input given as a parameter's value or a renderedStatement's placeholder:
 * the user's id, the instant (ISO 8601) and the product defaults (JSON).
 */
export function dueContactsOf(userId: SQL | string, dueByIso: SQL | string, defaultsJson: SQL | string): SQL {
  const at = sql`${dueByIso}::timestamptz`;
  const stageSetting = sql`u.settings->'keepInTouchDays'->(s.stage::text)`;
  return sql`(
    select ${c.id}, ${c.name}, ${c.photoId}, ${c.lifecycleStage}, ${c.lastContactAt}, ${c.emails}, ${c.phones}, ${c.snoozedUntil},
           coalesce(c.keep_in_touch_days, k.days) as cadence,
           coalesce(c.last_contact_at, c.created_at) as since,
           coalesce(c.last_contact_at, c.created_at) + coalesce(c.keep_in_touch_days, k.days) * interval '1 day' as due
    from ${contacts} c
    join (
      select s.stage, x.days, ${at} - x.days * interval '1 day' as since_before
      from ${users} u
      cross join unnest(enum_range(null::lifecycle_stage)) s(stage)
      cross join lateral (select coalesce(
        case when jsonb_typeof(${stageSetting}) = 'number' then (${stageSetting})::text::numeric::int end,
        (${defaultsJson}::jsonb->>(s.stage::text))::int
      ) as days) x
      where u.id = ${userId}
      offset 0
    ) k on k.stage = c.lifecycle_stage
    where c.user_id = ${userId} and c.status = 'active'
      and (c.snoozed_until is null or c.snoozed_until <= ${at})
      and coalesce(c.last_contact_at, c.created_at) < case
        when c.keep_in_touch_days is null then k.since_before
        else ${at} - c.keep_in_touch_days * interval '1 day' end
  )`;
}

/**
 * Which group of the Today view a due contact (a row of dueContactsSql, alias `r`) belongs to:
 * inactive clients apart, then people never contacted, then everyone else who is past their cadence.
 */
export const reconnectGroupSql = sql`(case when r.lifecycle_stage = 'inactive' then 'inactive'
  when r.last_contact_at is null then 'never' else 'due' end)`;
