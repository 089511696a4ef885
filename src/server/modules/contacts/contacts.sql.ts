import { sql, type SQL } from 'drizzle-orm';
import { contacts as c, contactTags, tags } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';

/** The API shape of a contact, built by PostgreSQL so that a page is never parsed and re-serialised. */
export const contactJson = sql`json_build_object(
  'id', ${c.id},
  'name', ${c.name},
  'emails', to_json(${c.emails}),
  'phones', to_json(${c.phones}),
  'lifecycleStage', ${c.lifecycleStage},
  'status', ${c.status},
  'sentiment', ${c.sentiment},
  'engagementTrend', ${c.engagementTrend},
  'notes', ${c.notes},
  'customFields', ${c.customFields},
  'socialHandles', ${c.socialHandles},
  'referralCount', ${c.referralCount},
  'birthday', ${c.birthday},
  'importantDates', ${c.importantDates},
  'keepInTouchDays', ${c.keepInTouchDays},
  'lastContactAt', ${isoSql(c.lastContactAt)},
  'hasAiConsent', ${c.hasAiConsent},
  'hasPhotoConsent', ${c.hasPhotoConsent},
  'photoUrl', case when ${c.photoId} is null then null else '/api/photos/' || ${c.photoId} end,
  'tags', coalesce((
    select json_agg(json_build_object('id', t.id, 'name', t.name, 'color', t.color) order by lower(t.name), t.id)
    from ${contactTags} ct join ${tags} t on t.id = ct.tag_id
    where ct.contact_id = ${c.id}
  ), '[]'::json),
  'createdAt', ${isoSql(c.createdAt)},
  'updatedAt', ${isoSql(c.updatedAt)}
)`;

/** Sort expressions match the expression indexes in the contacts schema exactly. */
export const SORT_SQL: Record<string, { expr: SQL; cast: SQL }> = {
  name: { expr: sql`lower(${c.name})`, cast: sql`text` },
  lastContact: { expr: sql`coalesce(${c.lastContactAt}, '-infinity'::timestamptz)`, cast: sql`timestamptz` },
  created: { expr: sql`${c.createdAt}`, cast: sql`timestamptz` },
  sentiment: { expr: sql`coalesce(${c.sentiment}, 0)`, cast: sql`integer` },
};
