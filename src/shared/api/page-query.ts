import { z } from 'zod';
import { LIMITS } from '../../server/platform/limits.js';

/** The query fields every keyset-paginated list takes: spread into a list's query schema. */
export const pageQueryFields = {
  limit: z.coerce
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(LIMITS.page.maxSize, `must be at most ${LIMITS.page.maxSize}`)
    .default(LIMITS.page.defaultSize),
  cursor: z.string().max(2000).optional(),
};

/** A query parameter holding a comma-separated list: `a, b,,c` → ['a', 'b', 'c']. */
export const csvList = z
  .string()
  .max(4000)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );
/** A query parameter that is `true` or `false`. */
export const boolParam = z.enum(['true', 'false'], { message: 'must be true or false' }).transform((v) => v === 'true');

/** The answer of every keyset-paginated list. */
export type Page<T> = { items: T[]; nextCursor: string | null };
