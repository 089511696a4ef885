import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { chunksOf } from '../../platform/chunks.js';
import { LIMITS } from '../../platform/limits.js';
import { aiEventClassifications, contacts, interactions } from '../../db/schema/index.js';
import { isoSql, timestampParam } from '../../db/sql-helpers.js';
import type { CursorPosition, KeyedJsonRow } from '../../platform/cursor.js';
import type { EventClassification } from '../../../shared/api/ai-classify.js';
import type { CalendarEvent } from './classify-events.rules.js';

export type ClassificationMethod = 'model' | 'rules' | 'consent' | 'offline';
export type StoredClassification = { method: ClassificationMethod; model: string; result: EventClassification };
export type NewClassification = StoredClassification & { contentHash: string; eventKey: string; contactIds: string[] };

/** Length of ':' + a contact id: calendar entries' source ids end with it (one entry per event × contact). */
const CONTACT_SUFFIX = 37;

export function createClassifyEventsRepo(db: Db) {
  const t = aiEventClassifications;
  return {
    /**
     * The user's calendar events (Google sync and ICS meeting entries grouped by event) that have
     * an entry not classified yet, or, with `redoLocal`, one classified without a model; oldest
     * first, at most `limit` + 1 (so the caller knows more wait). Events with a private entry are left
     * out. One statement.
     */
    async pendingEvents(userId: string, opts: { redoLocal: boolean; limit: number }): Promise<CalendarEvent[]> {
      const i = interactions;
      const rows = await queryRows<Omit<CalendarEvent, 'entries'> & { entries: string }>(
        db,
        sql`select left(i.source_id, length(i.source_id) - ${CONTACT_SUFFIX}) || '@' || i.source as key,
                   min(i.subject) as title, min(i.content) as description,
                   ${isoSql(sql`min(i.occurred_at)`)} as "startsAt",
                   min(coalesce(i.metadata->>'endsAt', i.metadata->>'end')) as "endsAt",
                   coalesce(bool_or((i.metadata->>'allDay')::boolean), false) as "allDay",
                   coalesce(min(i.metadata->>'location'), '') as location,
                   min(i.metadata->>'kind') as kind,
                   not bool_or(i.metadata->'ai' is null) as recheck,
                   json_agg(json_build_object('id', i.id, 'contactId', i.contact_id, 'name', c.name) order by i.contact_id)::text as entries
            from ${i} i join ${contacts} c on c.id = i.contact_id and c.user_id = ${userId}
            where i.user_id = ${userId} and i.type = 'meeting' and i.deleted_at is null
              and (i.source = 'calendar' or (i.source = 'import' and i.source_id like 'ics%'))
              and right(i.source_id, ${CONTACT_SUFFIX}) = ':' || i.contact_id::text
            group by 1
            having (bool_or(i.metadata->'ai' is null)
                or (${opts.redoLocal}::boolean and bool_or(i.metadata->'ai'->>'method' in ('offline', 'consent'))))
              -- An event with an entry marked private is never sent: its entries share the title and description.
              and not bool_or(i.is_private)
            order by bool_or(i.metadata->'ai' is null) desc, min(i.occurred_at), 1
            limit ${opts.limit + 1}`,
      );
      return rows.map((r) => ({ ...r, entries: JSON.parse(r.entries) as CalendarEvent['entries'] }));
    },

    /** The stored classifications of these content hashes (one statement). */
    async byHash(userId: string, hashes: readonly string[]): Promise<Map<string, StoredClassification>> {
      if (!hashes.length) return new Map();
      const rows = await queryRows<{ content_hash: string; method: ClassificationMethod; model: string; result: string }>(
        db,
        sql`select content_hash, method, model, result::text as result from ${t}
            where user_id = ${userId} and content_hash = any(${`{${hashes.join(',')}}`}::text[])`,
      );
      return new Map(rows.map((r) => [r.content_hash, { method: r.method, model: r.model, result: JSON.parse(r.result) }]));
    },

    /** Stores new classifications (a statement per LIMITS.ai.classifyWriteRows); a hash already stored gets the newer conclusion. */
    async store(userId: string, rows: NewClassification[], now: Date): Promise<void> {
      // Identical events (a calendar imported twice) share a hash; one statement cannot write a row twice.
      const unique = [...new Map(rows.map((r) => [r.contentHash, r])).values()];
      for (const chunk of chunksOf(unique, LIMITS.ai.classifyWriteRows)) {
        const json = JSON.stringify(
          chunk.map((r) => ({
            content_hash: r.contentHash,
            event_key: r.eventKey,
            method: r.method,
            model: r.model,
            result: r.result,
            contact_ids: r.contactIds,
          })),
        );
        await db.execute(sql`
          insert into ${t} (user_id, content_hash, event_key, method, model, result, contact_ids, created_at)
          select ${userId}, x.content_hash, x.event_key, x.method, x.model, x.result,
                 array(select jsonb_array_elements_text(x.contact_ids))::uuid[], ${timestampParam(now)}
          from jsonb_to_recordset(${json}::jsonb) as x(content_hash text, event_key text, method text, model text, result jsonb, contact_ids jsonb)
          on conflict (user_id, content_hash) do update set
            event_key = excluded.event_key, method = excluded.method, model = excluded.model, result = excluded.result,
            contact_ids = excluded.contact_ids, created_at = excluded.created_at`);
      }
    },

    /** The user's classifications, newest first, in keyset pages. */
    page(userId: string, limit: number, after?: CursorPosition): Promise<KeyedJsonRow[]> {
      const afterSql = after ? sql`and (x.created_at, x.id) < (${after.key}::timestamptz, ${after.id}::uuid)` : sql``;
      return queryRows<KeyedJsonRow>(
        db,
        sql`select json_build_object('id', x.id, 'eventKey', x.event_key, 'method', x.method, 'model', x.model,
                   'madeWithoutModel', x.method <> 'model', 'result', x.result, 'createdAt', ${isoSql(sql`x.created_at`)})::text as j,
                   x.created_at::text as k, x.id::text as id
            from ${t} x where x.user_id = ${userId} ${afterSql}
            order by x.created_at desc, x.id desc limit ${limit + 1}`,
      );
    },
  };
}
export type ClassifyEventsRepo = ReturnType<typeof createClassifyEventsRepo>;
