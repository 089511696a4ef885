import { notFound } from '../../platform/errors.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { LIMITS } from '../../platform/limits.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import type { Actor } from '../../platform/http/types.js';
import { recordAudit } from '../audit/audit.repo.js';
import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import type { FeedStatus } from '../../../shared/api/calendar.js';
import type { FeedRepo } from './feed.repo.js';

type Deps = { repo: FeedRepo; limiter: RateLimiter; clock: () => Date; onChange: (userId: string) => Promise<void> };

const DAY_MS = 86_400_000;
/** The feed's path for a token; the token is the only credential, so it is never logged or stored. */
const feedPath = (token: string) => `/ics/${token}.ics`;
/** A token is 32 random bytes in base64url: 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createFeedService({ repo, limiter, clock, onChange }: Deps) {
  return {
    /** Whether the user's feed is on and since when; its URL cannot be shown again (only its hash is kept). */
    async status(actor: Actor): Promise<FeedStatus> {
      const feed = await repo.find(actor.userId);
      return { url: null, createdAt: feed ? feed.createdAt.toISOString() : null };
    },

    /** Turns the feed on, or replaces its token: the old URL stops working at once. Answers the new URL. */
    async rotate(actor: Actor, origin: string): Promise<{ url: string }> {
      const token = randomToken(32);
      const now = clock();
      await repo.transaction(async (tx) => {
        await repo.upsert(tx, actor.userId, sha256(token), now);
        await recordAudit(tx, { userId: actor.userId, action: 'calendar_feed.rotated', entityType: 'calendar_feed', entityId: null });
      });
      await onChange(actor.userId);
      return { url: `${origin}${feedPath(token)}` };
    },

    /** Turns the feed off (already off: nothing to do, the same answer). */
    async revoke(actor: Actor): Promise<void> {
      await repo.transaction(async (tx) => {
        if (await repo.remove(tx, actor.userId)) {
          await recordAudit(tx, { userId: actor.userId, action: 'calendar_feed.revoked', entityType: 'calendar_feed', entityId: null });
        }
      });
      await onChange(actor.userId);
    },

    /**
     * The feed of a token as iCalendar text. Counted per token hash and per address first; an
     * unknown, malformed or revoked token is the same 404 (the lookup is by hash, so no comparison
     * leaks how much of a token was right).
     */
    async render(token: string, ip: string): Promise<string> {
      const hash = sha256(token);
      const L = LIMITS.calendarFeed;
      await limiter.consume(
        [
          { key: `ics:token:${hash}`, limit: { max: L.perToken, windowMs: L.windowMs } },
          { key: `ics:ip:${ip}`, limit: { max: L.perIp, windowMs: L.windowMs } },
        ],
        'calendar feed requests',
      );
      const owner = TOKEN_SHAPE.test(token) ? await repo.ownerOf(hash) : undefined;
      if (!owner) throw notFound('Calendar feed');
      const now = clock();
      const rows = await repo.events(owner.userId, {
        now,
        from: new Date(now.getTime() - L.daysBack * DAY_MS),
        to: new Date(now.getTime() + L.daysAhead * DAY_MS),
        maxPerKind: L.maxPerKind,
        defaults: DEFAULT_KEEP_IN_TOUCH_DAYS,
      });
      // ical.js is loaded by the first feed fetch, not at start (the embedded default's memory budget).
      const { calendarText } = await import('./feed-ics.js');
      return calendarText(rows, owner.timezone, now);
    },
  };
}
