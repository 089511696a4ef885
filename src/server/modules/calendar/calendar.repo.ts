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
        ? sql`exists (select 1 from ${contacts} where ${contacts.id} = ${input.contactId} and ${contacts.userId} = ${userId})`
        : sql`true`;
      const ev = calendarEvents;
      const columns = [
        ev.userId.name,
        ev.source.name,
        ev.externalId.name,
        ev.calendarId.name,
        ev.contactId.name,
        ev.title.name,
        ev.location.name,
        ev.startsAt.name,
        ev.endsAt.name,
        ev.createdAt.name,
        ev.updatedAt.name,
      ].map((name) => sql.identifier(name));
      const [row] = await queryRows<{ j: string }>(
        db,
        sql`
        insert into ${calendarEvents} (${sql.join(columns, sql`, `)})
        select ${userId}, 'manual', ${crypto.randomUUID()}, 'manual', ${input.contactId ?? null}::uuid, ${input.title}, ${input.location},
               ${input.startsAt}::timestamptz, ${input.endsAt ?? null}::timestamptz, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        where ${contactOk}
        returning json_build_object('id', ${ev.id}, 'title', ${ev.title}, 'location', ${ev.location}, 'startsAt', ${isoSql(ev.startsAt)},
          'endsAt', ${isoSql(ev.endsAt)}, 'contactId', ${ev.contactId})::text as j`,
      );
      return row?.j;
    },
  };
}
export type CalendarRepo = ReturnType<typeof createCalendarRepo>;
