import { sql, type SQL } from 'drizzle-orm';
import { aiSuggestions, consents, contactTags, contacts, interactions, tags, tasks, taskContacts } from '../../db/schema/index.js';
import { consentGrantedSql } from '../consent/consent.sql.js';
import { dueContactsSql } from '../reconnect/reconnect.sql.js';
import { LIMITS } from '../../platform/limits.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS, OPEN_TASK_STATUSES } from '../../../shared/domain.js';
import type { SuggestionKind } from '../../../shared/api/suggestions.js';

/**
 * The candidate suggestions of one user, as subqueries of the same columns (kind, key, contact_id,
 * title, rationale, payload, confidence): computed from data, no model involved. Each leaves out
 * keys the user already has (pending, approved, rejected: a suggestion is never proposed twice)
 * before its per-kind limit, so new candidates surface when the top ones were decided.
 *
 * The dedupe key names what the suggestion is about: the contact and the start of their current
 * gap (a new gap after a new contact is a new suggestion), the tag and contact, the contact alone
 * (photo, consent), the task and its due date (moved again later is a new suggestion).
 */
type Part = { kind: SuggestionKind; sql: SQL };

const S = LIMITS.suggestions;
const days = (from: SQL, to: SQL) => sql`floor(extract(epoch from (${to} - ${from})) / 86400)::int`;

export function candidateParts(userId: string, now: Date): Part[] {
  const at = sql`${now.toISOString()}::timestamptz`;
  const known = (key: SQL) => sql`not exists (select 1 from ${aiSuggestions} s where s.user_id = ${userId} and s.dedupe_key = ${key})`;
  const open = sql.raw(OPEN_TASK_STATUSES.map((s) => `'${s}'`).join(', '));

  const reconnectKey = sql`'reconnect:' || r.id || ':' || to_char(r.since at time zone 'UTC', 'YYYY-MM-DD')`;
  const reconnect = sql`
    select 'reconnect' as kind, ${reconnectKey} as key, r.id as contact_id,
      'Reconnect with ' || r.name as title,
      case when r.last_contact_at is null
        then 'No contact yet in the ' || ${days(sql`r.since`, at)} || ' days since they were added.'
        else 'Last contact ' || ${days(sql`r.since`, at)} || ' days ago; you keep in touch every ' || r.cadence || ' days.' end as rationale,
      jsonb_build_object('contactId', r.id, 'taskTitle', 'Reconnect with ' || r.name) as payload,
      least(0.95, 0.5 + ${days(sql`r.due`, at)} / 100.0)::real as confidence,
      r.due as sort_at
    from ${dueContactsSql(userId, now, DEFAULT_KEEP_IN_TOUCH_DAYS)} r
    where ${known(reconnectKey)}
    order by r.due, r.id limit ${S.perKind}`;

  const since = sql`${at} - ${S.attendanceDays}::int * interval '1 day'`;
  const tagKey = sql`'tag:' || t.id || ':' || c.id`;
  const tagFromAttendance = sql`
    with classes as (
      select lower(i.subject) as subj, min(i.subject) as subject
      from ${interactions} i
      where i.user_id = ${userId} and i.type = 'class_attendance' and i.deleted_at is null and not i.is_private and i.subject <> ''
        and i.occurred_at >= ${since} and i.occurred_at <= ${at}
      group by lower(i.subject)
      having count(distinct (i.occurred_at at time zone 'UTC')::date) >= ${S.minClassDays}
    )
    select 'tag_from_attendance' as kind, ${tagKey} as key, c.id as contact_id,
      'Tag ' || c.name || ' with "' || t.name || '"' as title,
      'Attended "' || cl.subject || '" ' || a.n || case when a.n = 1 then ' time' else ' times' end
        || ' in the last ${sql.raw(String(S.attendanceDays))} days without the class''s tag.' as rationale,
      jsonb_build_object('contactId', c.id, 'tagId', t.id, 'tagName', t.name, 'contactName', c.name) as payload,
      0.7::real as confidence,
      a.last_at as sort_at
    from classes cl
    join ${tags} t on t.user_id = ${userId} and length(t.name) >= 3 and strpos(cl.subj, lower(t.name)) > 0
    join lateral (
      select i.contact_id, count(*)::int as n, max(i.occurred_at) as last_at from ${interactions} i
      where i.user_id = ${userId} and i.type = 'class_attendance' and i.deleted_at is null and not i.is_private
        and lower(i.subject) = cl.subj and i.occurred_at >= ${since} and i.occurred_at <= ${at}
      group by i.contact_id
    ) a on true
    join ${contacts} c on c.id = a.contact_id and c.user_id = ${userId} and c.status = 'active'
    where not exists (select 1 from ${contactTags} ct where ct.contact_id = c.id and ct.tag_id = t.id)
      and ${known(tagKey)}
    order by a.last_at desc, c.id limit ${S.perKind}`;

  const photoKey = sql`'photo:' || c.id`;
  const addPhoto = sql`
    select 'add_photo' as kind, ${photoKey} as key, c.id as contact_id,
      'Add a photo of ' || c.name as title,
      'They allow photos but have none yet; a face makes the contact easier to recognise.' as rationale,
      jsonb_build_object('contactId', c.id, 'taskTitle', 'Add a photo of ' || c.name) as payload,
      0.4::real as confidence,
      c.created_at as sort_at
    from ${contacts} c
    where c.user_id = ${userId} and c.status = 'active' and c.photo_id is null
      and ${consentGrantedSql(sql`c.id`, 'photo_enrichment', at)}
      and ${known(photoKey)}
    order by c.created_at desc, c.id limit ${S.perKind}`;

  const overdueKey = sql`'overdue:' || t.id || ':' || to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const overdueTask = sql`
    select 'overdue_task' as kind, ${overdueKey} as key, null::uuid as contact_id,
      'Move "' || t.title || '" to next week' as title,
      'It was due ' || ${days(sql`t.due_at`, at)} || ' days ago and is still open.' as rationale,
      jsonb_build_object('taskId', t.id, 'dueAt', to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'taskTitle', t.title,
        'contactIds', coalesce((select jsonb_agg(tc.contact_id) from ${taskContacts} tc where tc.task_id = t.id), '[]'::jsonb)) as payload,
      0.8::real as confidence,
      t.due_at as sort_at
    from ${tasks} t
    where t.user_id = ${userId} and t.deleted_at is null and t.status in (${open})
      and t.due_at < ${at} and ${known(overdueKey)}
    order by t.due_at, t.id limit ${S.perKind}`;

  const consentKey = sql`'consent:' || c.id || ':ai_processing'`;
  const recordConsent = sql`
    select 'record_consent' as kind, ${consentKey} as key, c.id as contact_id,
      'Record ' || c.name || '''s decision on AI features' as title,
      'No consent decision is recorded for AI processing, so AI features leave them out.' as rationale,
      jsonb_build_object('contactId', c.id, 'taskTitle', 'Ask ' || c.name || ' for their consent decision on AI features') as payload,
      0.6::real as confidence,
      c.created_at as sort_at
    from ${contacts} c
    where c.user_id = ${userId} and c.status = 'active'
      and not exists (select 1 from ${consents} x where x.contact_id = c.id and x.purpose = 'ai_processing')
      and ${known(consentKey)}
    order by c.created_at desc, c.id limit ${S.perKind}`;

  return [
    { kind: 'overdue_task', sql: overdueTask },
    { kind: 'reconnect', sql: reconnect },
    { kind: 'tag_from_attendance', sql: tagFromAttendance },
    { kind: 'record_consent', sql: recordConsent },
    { kind: 'add_photo', sql: addPhoto },
  ];
}
