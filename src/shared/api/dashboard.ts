import { z } from 'zod';
import { dateOut, dateTimeOut } from './dates.js';
import { LIFECYCLE_STAGES } from '../domain.js';

const count = z.number().int();

export const dashboardStatsResponse = z.strictObject({
  clientsByStage: z.record(z.enum(LIFECYCLE_STAGES), count),
  totalContacts: count,
  sessionsThisWeek: count,
  sessionsLastWeek: count,
  /** Last week from Monday 00:00 up to the same weekday and time as now, in the user's zone. */
  sessionsLastWeekToDate: count,
  interactionsLastWeekToDate: count,
  goalsAchievedThisMonth: count,
  responseRate: z.strictObject({ value: z.number().min(0).max(1).nullable(), reason: z.string().nullable() }),
  interactionsPerWeek: z.array(z.strictObject({ weekStart: dateOut, count })),
  followUpsDue: count,
  overdueTasks: count,
  upcomingDates: z.array(z.strictObject({ contactId: z.uuid(), name: z.string(), label: z.string(), date: dateOut, daysAway: count })),
  /** Sessions of today and the next 7 days (synced, imported or scheduled by hand), soonest first. */
  upcomingSessions: z.array(
    z.strictObject({
      key: z.string(),
      title: z.string(),
      startsAt: dateTimeOut,
      allDay: z.boolean(),
      kind: z.string().nullable(),
      contacts: z.array(z.strictObject({ id: z.uuid(), name: z.string() })),
    }),
  ),
  generatedAt: dateTimeOut,
});

export type DashboardStats = z.infer<typeof dashboardStatsResponse>;
