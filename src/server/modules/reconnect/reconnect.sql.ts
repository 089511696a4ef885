import { sql, type SQL } from 'drizzle-orm';
import { contacts, users } from '../../db/schema/index.js';

export type CadenceDefaults = Record<string, number>;

/**
 * The keep-in-touch candidates of a user as a subquery: active contacts with their cadence (the
 * contact's own, else the user's setting for its stage, else the product default), the time of
 * their last contact (or creation, never contacted) and when they fall due. Shared by the
 * reconnect list and the dashboard's follow-up count so both always agree.
 */
export function dueContactsSql(userId: string, now: Date, defaults: CadenceDefaults): SQL {
  const stageSetting = sql`u.settings->'keepInTouchDays'->(c.lifecycle_stage::text)`;
  return sql`(
    select d.* from (
      select c.id, c.name, c.photo_id, c.lifecycle_stage, c.last_contact_at, k.cadence,
             coalesce(c.last_contact_at, c.created_at) as since,
             coalesce(c.last_contact_at, c.created_at) + k.cadence * interval '1 day' as due
      from ${contacts} c
      join ${users} u on u.id = c.user_id
      cross join lateral (select coalesce(
        c.keep_in_touch_days,
        case when jsonb_typeof(${stageSetting}) = 'number' then (${stageSetting})::text::numeric::int end,
        (${JSON.stringify(defaults)}::jsonb->>(c.lifecycle_stage::text))::int
      ) as cadence) k
      where c.user_id = ${userId} and c.status = 'active'
    ) d
    where d.due < ${now.toISOString()}::timestamptz
  )`;
}
