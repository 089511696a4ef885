import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db.js';
import { calendarEvents, contacts } from '../../db/schema/index.js';
import { isoSql } from '../../db/sql-helpers.js';
import type { CreateEventInput } from '../../../shared/api/calendar.js';

export function createCalendarRepo(db: Db) {
  return {
    /**
     * One statement: inserts a manual event when its contact (if any) is the user's; the event as
     * JSON text, or undefined when the contact is not found.
     */
    async insertManual(userId: string, input: CreateEventInput, now: Date): Promise<string | undefined> {
      const contactOk = input.contactId
        ? sql`exists (select 1 from ${contacts} where id = ${input.contactId} and user_id = ${userId})`
        : sql`true`;
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        insert into ${calendarEvents} (user_id, source, external_id, calendar_id, contact_id, title, location, starts_at, ends_at, created_at, updated_at)
        select ${userId}, 'manual', ${crypto.randomUUID()}, 'manual', ${input.contactId ?? null}::uuid, ${input.title}, ${input.location},
               ${input.startsAt}::timestamptz, ${input.endsAt ?? null}::timestamptz, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        where ${contactOk}
        returning json_build_object('id', id, 'title', title, 'location', location, 'startsAt', ${isoSql(sql`starts_at`)},
          'endsAt', ${isoSql(sql`ends_at`)}, 'contactId', contact_id)::text as j`,
      );
      return row?.j;
    },
  };
}
export type CalendarRepo = ReturnType<typeof createCalendarRepo>;
