import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { contactTags, contacts, tags, taskContacts, taskDelegations, tasks, type DelegationSegment } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import { LIMITS } from '../../platform/limits.js';

export type DelegationRow = { id: string; task_id: string; status: string; segments: DelegationSegment[] };
export type SegmentGroup = { key: string; label: string; contact_ids: string[]; total: number };

const d = taskDelegations;

/** The proposal as the API answers it; each segment's contacts read from the contacts still there. */
const delegationJson = (userId: string) => sql`json_build_object(
  'id', d.id, 'taskId', d.task_id, 'status', d.status, 'segmentBy', d.segment_by,
  'segments', (select coalesce(json_agg(json_build_object(
      'key', x.s->>'key', 'label', x.s->>'label',
      'contacts', (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name) order by lower(c.name), c.id), '[]')
                   from ${contacts} c where c.user_id = ${userId}
                     and c.id in (select e::uuid from jsonb_array_elements_text(x.s->'contactIds') e)),
      'include', coalesce((x.s->>'include')::boolean, true),
      'subtaskTitle', x.s->>'subtaskTitle', 'subject', x.s->>'subject', 'body', x.s->>'body') order by x.ord), '[]')
    from jsonb_array_elements(d.segments) with ordinality as x(s, ord)),
  'model', d.model, 'madeWithoutModel', d.made_without_model,
  'createdTaskIds', coalesce(to_json(d.created_task_ids), '[]'),
  'createdAt', ${isoSql(sql`d.created_at`)},
  'decidedAt', case when d.decided_at is null then null else ${isoSql(sql`d.decided_at`)} end)`;

export function createDelegationRepo(db: Db) {
  return {
    /** The task (not in the trash) with its linked contacts; undefined when it is not the user's. */
    async task(userId: string, taskId: string) {
      const [row] = await queryRows<{ id: string; title: string; description: string; contact_ids: string[] }>(
        db,
        sql`select t.id, t.title, t.description,
                   coalesce((select array_agg(tc.contact_id) from ${taskContacts} tc where tc.task_id = t.id), '{}') as contact_ids
            from ${tasks} t where t.user_id = ${userId} and t.id = ${taskId} and t.deleted_at is null`,
      );
      return row;
    },

    /**
     * The clients to split among, grouped by lifecycle stage or by tag (all tags, or `tagIds`):
     * the task's own contacts when it has some, else every active contact. One statement; the
     * largest segments first, at most LIMITS.delegation.segments, each with up to
     * LIMITS.task.contacts ids (what one subtask may link).
     */
    segments(userId: string, by: 'tag' | 'stage', within: string[], tagIds?: string[]): Promise<SegmentGroup[]> {
      const scope = within.length
        ? sql`and c.id in (${sql.join(
            within.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql``;
      const maxIds = LIMITS.task.contacts;
      const grouped =
        by === 'stage'
          ? sql`select 'stage:' || c.lifecycle_stage as key, c.lifecycle_stage::text as label,
                  (array_agg(c.id order by lower(c.name), c.id))[1:${maxIds}] as contact_ids, count(*)::int as total
                from ${contacts} c where c.user_id = ${userId} and c.status = 'active' ${scope}
                group by c.lifecycle_stage`
          : sql`select 'tag:' || t.id as key, t.name as label,
                  (array_agg(c.id order by lower(c.name), c.id))[1:${maxIds}] as contact_ids, count(*)::int as total
                from ${tags} t
                join ${contactTags} ct on ct.tag_id = t.id and ct.user_id = ${userId}
                join ${contacts} c on c.id = ct.contact_id and c.user_id = ${userId} and c.status = 'active' ${scope}
                where t.user_id = ${userId}
                  ${
                    tagIds
                      ? sql`and t.id in (${sql.join(
                          tagIds.map((id) => sql`${id}::uuid`),
                          sql`, `,
                        )})`
                      : sql``
                  }
                group by t.id, t.name`;
      return queryRows<SegmentGroup>(
        db,
        sql`select * from (${grouped}) g order by g.total desc, g.label limit ${LIMITS.delegation.segments}`,
      );
    },

    /** The tag ids among `ids` that are the user's. */
    async ownedTagIds(userId: string, ids: string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select id from ${tags} where user_id = ${userId} and id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      );
      return new Set(rows.map((r) => r.id));
    },

    /** The contact ids among `ids` that still exist (erased or merged-away ones drop out of a proposal). */
    async existingContactIds(userId: string, ids: string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select id from ${contacts} where user_id = ${userId} and id in (${sql.join(
          ids.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      );
      return new Set(rows.map((r) => r.id));
    },

    async insert(
      userId: string,
      row: { taskId: string; segmentBy: string; segments: DelegationSegment[]; model: string; madeWithoutModel: boolean },
      now: Date,
    ): Promise<string> {
      const [inserted] = await db
        .insert(d)
        .values({ userId, ...row, createdAt: now, updatedAt: now })
        .returning({ id: d.id });
      return inserted!.id;
    },

    async json(userId: string, id: string): Promise<string | undefined> {
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`select ${delegationJson(userId)}::text as j from ${d} d where d.user_id = ${userId} and d.id = ${id}`,
      );
      return row?.j;
    },

    async find(userId: string, id: string): Promise<DelegationRow | undefined> {
      const [row] = await queryRows<DelegationRow>(
        db,
        sql`select id, task_id, status, segments from ${d} d where d.user_id = ${userId} and d.id = ${id}`,
      );
      return row;
    },

    /** Edits the segments of a proposal still proposed; answers false when it is not (anymore). */
    async updateSegments(userId: string, id: string, segments: DelegationSegment[], now: Date): Promise<boolean> {
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update ${d} d set segments = ${JSON.stringify(segments)}::jsonb, updated_at = ${now.toISOString()}::timestamptz
            where d.user_id = ${userId} and d.id = ${id} and d.status = 'proposed' returning d.id`,
      );
      return rows.length > 0;
    },

    /**
     * Moves a proposal between statuses in one statement; `approving` claims it for one approve (a
     * claim left by a crash is taken over after five minutes). Answers the row when this call moved it.
     */
    async transition(
      userId: string,
      id: string,
      from: string,
      to: string,
      now: Date,
      createdTaskIds?: string[],
    ): Promise<DelegationRow | undefined> {
      const at = sql`${now.toISOString()}::timestamptz`;
      const fromSql =
        from === 'proposed'
          ? sql`(d.status = 'proposed' or (d.status = 'approving' and d.decided_at < ${at} - interval '5 minutes'))`
          : sql`d.status = ${from}`;
      const ids = createdTaskIds
        ? sql`, created_task_ids = array[${sql.join(
            createdTaskIds.map((t) => sql`${t}`),
            sql`, `,
          )}]::uuid[]`
        : sql``;
      const [row] = await queryRows<DelegationRow>(
        db,
        sql`update ${d} d set status = ${to}, decided_at = ${to === 'proposed' ? null : sql`${at}`}, updated_at = ${at} ${ids}
            where d.user_id = ${userId} and d.id = ${id} and ${fromSql}
            returning d.id, d.task_id, d.status, d.segments`,
      );
      return row;
    },
  };
}
export type DelegationRepo = ReturnType<typeof createDelegationRepo>;
