import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from '../domain.js';
import { LIMITS } from '../../server/platform/limits.js';
import { dateOut, dateTimeOut } from './dates.js';
import { uuidId } from './ids.js';
import { reconnectItem } from './reconnect.js';

const count = z.number().int();
const reconnectPerson = reconnectItem.extend({
  contact: reconnectItem.shape.contact.extend({ email: z.string().nullable(), phone: z.string().nullable() }),
  timesCadence: z.number(),
});
const taskItem = z.strictObject({
  id: z.uuid(),
  title: z.string(),
  status: z.enum(TASK_STATUSES),
  priority: z.enum(TASK_PRIORITIES),
  dueAt: dateTimeOut,
  projectId: z.uuid().nullable(),
});

export const todayResponse = z.strictObject({
  timezone: z.string(),
  date: dateOut,
  sessions: z.array(
    z.strictObject({
      id: z.uuid(),
      title: z.string(),
      location: z.string(),
      startsAt: dateTimeOut,
      endsAt: dateTimeOut.nullable(),
      isAllDay: z.boolean(),
      day: z.enum(['today', 'tomorrow']),
      contact: z
        .object({
          id: z.uuid(),
          name: z.string(),
          photoUrl: z.string().nullable(),
          phone: z.string().nullable(),
          email: z.string().nullable(),
        })
        .nullable(),
    }),
  ),
  reconnect: z.strictObject({
    due: z.array(reconnectPerson),
    dueCount: count,
    never: z.array(reconnectPerson),
    neverCount: count,
    inactive: z.array(reconnectPerson),
    inactiveCount: count,
  }),
  birthdays: z.array(
    z.strictObject({
      contactId: z.uuid(),
      name: z.string(),
      photoUrl: z.string().nullable(),
      date: dateOut,
      daysAway: count,
      age: count.nullable(),
    }),
  ),
  tasks: z.strictObject({ overdue: z.array(taskItem), overdueCount: count, dueToday: z.array(taskItem), dueTodayCount: count }),
  generatedAt: dateTimeOut,
});

export const snoozeParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });
export const snoozeBody = z.strictObject({
  days: z.number().int().min(0).max(LIMITS.today.snoozeMaxDays),
});
export const snoozeResponse = z.strictObject({ id: z.uuid(), snoozedUntil: dateTimeOut.nullable() });
export type Today = z.infer<typeof todayResponse>;
export type TodayPerson = Today['reconnect']['due'][number];
export type TodaySession = Today['sessions'][number];
export type TodayTask = Today['tasks']['overdue'][number];
export type SnoozeResponse = z.infer<typeof snoozeResponse>;
