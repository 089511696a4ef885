import { z } from 'zod';

/**
 * Stale writes (issue 15). Contacts, tasks, goals, interactions and projects carry `version`: 1 when
 * created, one more with every change. An update may say which version it was made from, with
 * `If-Match: "<version>"` (the ETag a read answered) or the body field `version`; when the record
 * moved on since, the answer is a 409 whose `details.current` is the record as it is now. An update
 * that names no version is applied as it comes (last write wins), as before.
 */
export const recordVersion = z
  .number({ message: 'must be the version number the record was read with' })
  .int('must be a whole number')
  .min(1, 'must be 1 or more')
  .max(2_147_483_647, 'is too large');

/** Spread into an update body: the version the edit was made from, optional. */
export const versionBodyField = { version: recordVersion.optional() };

/** The ETag of a record at a version: a strong validator naming the version only. */
export const etagOf = (version: number) => `"${version}"`;

/**
 * The 409 answer of an update: a stale version (`details.current` is the record as it is now,
 * `details.currentVersion` its version) or another conflict the route knows (other details).
 */
export function staleWriteResponse<T extends z.ZodType>(record: T) {
  return z.strictObject({
    error: z.strictObject({
      code: z.enum(['conflict']),
      message: z.string(),
      details: z
        .looseObject({ current: record.optional(), currentVersion: recordVersion.optional(), yourVersion: recordVersion.optional() })
        .optional(),
    }),
    requestId: z.string(),
  });
}

/** The details of a stale-write 409, as the web app reads them. */
export type StaleWriteDetails<T> = { current: T; currentVersion: number; yourVersion: number };
