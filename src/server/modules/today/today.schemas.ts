import { z } from 'zod';
import { LIFECYCLE_STAGES } from '../../db/schema/index.js';
import { LIMITS } from '../../platform/limits.js';
import { uuidId } from '../../platform/ids.js';

const count = z.number().int();
const reconnectPerson = z.object({
  contact: z.object({
    id: z.uuid(),
    name: z.string(),
    photoUrl: z.string().nullable(),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    lastContactAt: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
  cadenceDays: count,
  daysSinceContact: count,
  overdueDays: count,
  timesCadence: z.number(),
});
const taskItem = z.object({
  id: z.uuid(),
  title: z.string(),
  status: z.string(),
  priority: z.string(),
  dueAt: z.string(),
  projectId: z.uuid().nullable(),
});

export const todayResponse = z.object({
  timezone: z.string(),
  date: z.iso.date(),
  sessions: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      location: z.string(),
      startsAt: z.string(),
      endsAt: z.string().nullable(),
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
  reconnect: z.object({
    due: z.array(reconnectPerson),
    dueCount: count,
    never: z.array(reconnectPerson),
    neverCount: count,
    inactive: z.array(reconnectPerson),
    inactiveCount: count,
  }),
  birthdays: z.array(
    z.object({
      contactId: z.uuid(),
      name: z.string(),
      photoUrl: z.string().nullable(),
      date: z.iso.date(),
      daysAway: count,
      age: count.nullable(),
    }),
  ),
  tasks: z.object({ overdue: z.array(taskItem), overdueCount: count, dueToday: z.array(taskItem), dueTodayCount: count }),
  generatedAt: z.string(),
});

export const snoozeParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });
export const snoozeBody = z.strictObject({
  days: z.number().int().min(0).max(LIMITS.today.snoozeMaxDays),
});
export const snoozeResponse = z.object({ id: z.uuid(), snoozedUntil: z.string().nullable() });
