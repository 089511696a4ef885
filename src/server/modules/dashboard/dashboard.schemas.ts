import { z } from 'zod';
import { LIFECYCLE_STAGES } from '../../db/schema/index.js';

const count = z.number().int();

export const dashboardStatsResponse = z.object({
  clientsByStage: z.record(z.enum(LIFECYCLE_STAGES), count),
  totalContacts: count,
  sessionsThisWeek: count,
  sessionsLastWeek: count,
  /** Last week from Monday 00:00 up to the same weekday and time as now, in the user's zone. */
  sessionsLastWeekToDate: count,
  interactionsLastWeekToDate: count,
  goalsAchievedThisMonth: count,
  responseRate: z.object({ value: z.number().min(0).max(1).nullable(), reason: z.string().nullable() }),
  interactionsPerWeek: z.array(z.object({ weekStart: z.iso.date(), count })),
  followUpsDue: count,
  overdueTasks: count,
  upcomingDates: z.array(z.object({ contactId: z.uuid(), name: z.string(), label: z.string(), date: z.iso.date(), daysAway: count })),
  generatedAt: z.string(),
});
