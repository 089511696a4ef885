import { z } from 'zod';
import { dateTimeOut } from './dates.js';

export const connectQuery = z.strictObject({
  /** Turn Calendar on with this grant (asks for the calendar read scope). */
  calendar: z.enum(['true', 'false']).default('false'),
  /** Turn Gmail on with this grant (asks for the Gmail read scope). */
  gmail: z.enum(['true', 'false']).default('false'),
  /** Turn Drive on with this grant (asks for the Drive read scope). */
  drive: z.enum(['true', 'false']).default('false'),
});

/** What Google sends back to the callback: a code and our state, or an error (the user said no). */
export const callbackQuery = z.object({
  state: z.string().max(200).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  scope: z.string().max(2000).optional(),
});

/** The connection as the app shows it: never a token. */
export const connectionResponse = z.strictObject({
  connected: z.boolean(),
  status: z.enum(['active', 'needs_reconnect']).nullable(),
  email: z.string().nullable(),
  services: z.strictObject({ calendar: z.boolean(), gmail: z.boolean(), drive: z.boolean() }),
  calendarIds: z.array(z.string()),
  connectedAt: dateTimeOut.nullable(),
});
export type GoogleConnection = z.infer<typeof connectionResponse>;

export const calendarsResponse = z.strictObject({
  items: z.array(z.strictObject({ id: z.string(), summary: z.string(), primary: z.boolean(), selected: z.boolean() })),
});
export type GoogleCalendars = z.infer<typeof calendarsResponse>;

export const selectCalendarsBody = z.strictObject({
  calendarIds: z.array(z.string().trim().min(1).max(300)).max(50),
});

export const SYNC_SERVICES = ['calendar', 'gmail', 'drive'] as const;
export const syncServiceParams = z.strictObject({ service: z.enum(SYNC_SERVICES) });

export const syncJobParams = z.strictObject({ id: z.string().min(1).max(100) });

export const syncStartedResponse = z.strictObject({ jobId: z.string() });

/** Why the last run failed, reduced to what the user can act on. */
export const SYNC_ERROR_KINDS = ['temporary', 'auth_revoked', 'not_found', 'cursor_invalid', 'unknown'] as const;

export const syncStatusResponse = z.strictObject({
  services: z.array(
    z.strictObject({
      service: z.enum(SYNC_SERVICES),
      enabled: z.boolean(),
      status: z.enum(['idle', 'running', 'failed', 'needs_reconnect']),
      lastSuccessAt: dateTimeOut.nullable(),
      lastError: z.strictObject({ kind: z.enum(SYNC_ERROR_KINDS), message: z.string(), at: dateTimeOut }).nullable(),
      failures: z.number().int(),
      nextRunAt: dateTimeOut.nullable(),
      stats: z.record(z.string(), z.number()),
    }),
  ),
});
export type SyncStatus = z.infer<typeof syncStatusResponse>;
