import { AppError, notFound } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { PracticeCache } from '../../platform/practice-cache.js';
import type { Actor } from '../../platform/http/types.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { TodayRepo } from './today.repo.js';

type Deps = { repo: TodayRepo; cache: PracticeCache; clock: () => Date; onChange: (userId: string) => Promise<void> };

const DAY_MS = 86_400_000;

export function createTodayService({ repo, cache, clock, onChange }: Deps) {
  return {
    /** The Today view as JSON text: from the per-user cache, or one SQL statement. */
    async today(actor: Actor): Promise<Buffer> {
      // Keyed by the minute as well: "today", overdue and snoozes move with the clock, not only with writes.
      const now = clock();
      const name = `today:${Math.floor(now.getTime() / 60_000)}`;
      const json = await cache.read(actor.userId, name, LIMITS.cache.dashboardTtlMs, () =>
        repo.compute(actor.userId, now, DEFAULT_KEEP_IN_TOUCH_DAYS),
      );
      if (json === undefined) throw new AppError('unauthenticated', 'Your session has ended. Sign in again.');
      return json;
    },

    /** Keeps a contact off the reconnect lists for `days` days (0 ends a snooze). */
    async snooze(actor: Actor, contactId: string, days: number): Promise<{ id: string; snoozedUntil: string | null }> {
      const now = clock();
      const until = days > 0 ? new Date(now.getTime() + days * DAY_MS) : null;
      if (!(await repo.snooze(actor.userId, contactId, until, now))) throw notFound('Contact');
      await onChange(actor.userId);
      return { id: contactId, snoozedUntil: until?.toISOString() ?? null };
    },
  };
}
