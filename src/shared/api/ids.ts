import { z } from 'zod';

/**
 * A UUID in the lower-case form PostgreSQL answers with. Clients may send upper case, which the
 * database accepts; lower-casing on the way in keeps ids from a request comparable with ids from
 * the database (a bulk answer's notFound list, a merge into the same tag, duplicate detection).
 */
export const uuidId = (message?: string) => z.uuid(message ? { message } : undefined).transform((id) => id.toLowerCase());

/** Drops repeated ids, keeping the first occurrence's order. */
export const uniqueIds = (ids: string[]) => [...new Set(ids)];
