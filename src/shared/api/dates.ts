import { z } from 'zod';

/**
 * The one bounded date and date-time of the API, for bodies and query strings alike. PostgreSQL has
 * no year 0 and the product no use for dates far away, so anything outside 1900-01-01 … 2999-12-31
 * (a date-time after conversion to UTC) is a 400, never a database error.
 */
export const DATE_RANGE = { min: '1900-01-01', max: '2999-12-31' } as const;
const RANGE_MESSAGE = `must be between ${DATE_RANGE.min} and ${DATE_RANGE.max}`;
const MIN_MS = Date.parse(`${DATE_RANGE.min}T00:00:00.000Z`);
const MAX_MS = Date.parse(`${DATE_RANGE.max}T23:59:59.999Z`);

/** A calendar date as YYYY-MM-DD. */
export const isoDate = z.iso
  .date({ message: 'must be a date as YYYY-MM-DD', abort: true })
  .refine((d) => d >= DATE_RANGE.min && d <= DATE_RANGE.max, RANGE_MESSAGE);

/** An ISO 8601 date-time with Z or an offset; the instant it names must be in range in UTC. */
export const isoDateTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time such as 2026-03-01T09:00:00Z', abort: true })
  .refine((s) => {
    const ms = Date.parse(s);
    return ms >= MIN_MS && ms <= MAX_MS;
  }, RANGE_MESSAGE);

/** Dates and times as the API answers them: YYYY-MM-DD, and UTC with milliseconds (toISOString). */
export const dateOut = z.iso.date();
export const dateTimeOut = z.iso.datetime();
