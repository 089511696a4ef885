import { eq, sql } from 'drizzle-orm';
import { calendarFeeds, contacts, tasks, users } from '../../db/schema/index.js';
import { queryRows, transactionRunner, type Db } from '../../platform/db.js';
import { OPEN_TASK_STATUSES } from '../../../shared/domain.js';
import { dueContactsSql, type CadenceDefaults } from '../reconnect/reconnect.sql.js';

/** One dated thing of the feed; `date` is YYYY-MM-DD (all-day), `at` an ISO instant (tasks). */
export type FeedRow =
  | { kind: 'birthday'; id: string; name: string; date: string; label: null; at: null }
  | { kind: 'date'; id: string; name: string; date: string; label: string; at: null }
  | { kind: 'task'; id: string; name: string; date: null; label: null; at: string }
  | { kind: 'reconnect'; id: string; name: string; date: string; label: null; at: null };

export type FeedWindow = { now: Date; from: Date; to: Date; maxPerKind: number; defaults: CadenceDefaults };

export function createFeedRepo(db: Db) {
  return {
    transaction: transactionRunner(db),

    async find(userId: string): Promise<{ createdAt: Date } | undefined> {
      const [row] = await db.select({ createdAt: calendarFeeds.createdAt }).from(calendarFeeds).where(eq(calendarFeeds.userId, userId));
      return row;
    },

    /** Creates the user's feed or replaces its token (the old hash stops matching in the same statement). */
    async upsert(tx: Db, userId: string, tokenHash: string, now: Date): Promise<void> {
      await tx
        .insert(calendarFeeds)
        .values({ userId, tokenHash, createdAt: now })
        .onConflictDoUpdate({ target: calendarFeeds.userId, set: { tokenHash, createdAt: now } });
    },

    /** True when there was a feed to turn off. */
    async remove(tx: Db, userId: string): Promise<boolean> {
      const rows = await tx.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId)).returning({ userId: calendarFeeds.userId });
      return rows.length > 0;
    },

    /** The owner of a token hash (an index lookup on the unique hash), with their time zone. */
    async ownerOf(tokenHash: string): Promise<{ userId: string; timezone: string } | undefined> {
      const [row] = await db
        .select({ userId: users.id, timezone: users.timezone })
        .from(calendarFeeds)
        .innerJoin(users, eq(users.id, calendarFeeds.userId))
        .where(eq(calendarFeeds.tokenHash, tokenHash));
      return row;
    },

    /**
     * One statement: the user's birthdays and important dates (yearly; contacts not archived), open
     * tasks due in the window, and the keep-in-touch dates falling due by its end (the reconnect
     * module's query; someone already overdue or snoozed shows on the later of today and the snooze's
     * end, as a day in the user's time zone). At most maxPerKind rows of each kind.
     */
    events(userId: string, w: FeedWindow): Promise<FeedRow[]> {
      const at = sql`${w.now.toISOString()}::timestamptz`;
      const tz = sql`(select ${users.timezone} from ${users} where ${users.id} = ${userId})`;
      const open = sql.join(
        OPEN_TASK_STATUSES.map((s) => sql`${s}`),
        sql`, `,
      );
      return queryRows<FeedRow>(
        db,
        sql`
        (select 'birthday' as kind, ${contacts.id}::text as id, ${contacts.name} as name, ${contacts.birthday}::text as date,
                null::text as label, null::text as at
         from ${contacts}
         where ${contacts.userId} = ${userId} and ${contacts.status} <> 'archived' and ${contacts.birthday} is not null
         order by ${contacts.id} limit ${w.maxPerKind})
        union all
        (select 'date', ${contacts.id}::text, ${contacts.name}, e->>'date', coalesce(e->>'label', ''), null
         from ${contacts}
         cross join lateral jsonb_array_elements(case when jsonb_typeof(${contacts.importantDates}) = 'array'
           then ${contacts.importantDates} else '[]'::jsonb end) e
         where ${contacts.userId} = ${userId} and ${contacts.status} <> 'archived'
           and jsonb_typeof(e) = 'object' and (e->>'date') ~ '^\\d{4}-\\d{2}-\\d{2}$'
         order by ${contacts.id} limit ${w.maxPerKind})
        union all
        (select 'task', ${tasks.id}::text, ${tasks.title}, null, null,
                to_char(${tasks.dueAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
         from ${tasks}
         where ${tasks.userId} = ${userId} and ${tasks.deletedAt} is null and ${tasks.status} in (${open})
           and ${tasks.dueAt} >= ${w.from.toISOString()}::timestamptz and ${tasks.dueAt} < ${w.to.toISOString()}::timestamptz
         order by ${tasks.dueAt}, ${tasks.id} limit ${w.maxPerKind})
        union all
        (select 'reconnect', r.id::text, r.name,
                (greatest(r.due, r.snoozed_until, ${at}) at time zone ${tz})::date::text, null, null
         from ${dueContactsSql(userId, w.now, w.defaults, w.to)} r
         order by r.due, r.id limit ${w.maxPerKind})`,
      );
    },
  };
}
export type FeedRepo = ReturnType<typeof createFeedRepo>;
