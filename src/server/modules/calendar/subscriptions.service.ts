import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import { OutboundError } from '../../platform/outbound/outbound-error.js';
import type { OutboundProvider } from '../../platform/outbound/provider-client.js';
import type { CalendarSubscription } from '../../../shared/api/calendar.js';
import type { CalendarCounts } from '../../../shared/api/imports.js';
import type { FetchOutcome, SubscriptionRow, SubscriptionsRepo } from './subscriptions.repo.js';

type Deps = {
  repo: SubscriptionsRepo;
  /** The outbound provider for user-supplied URLs: SSRF-safe mode, no trusted origins. */
  feeds: OutboundProvider;
  /** Writes a fetched calendar's occurrences for the user (imports/calendar-ingest.ts). */
  ingest: (userId: string, text: string, subscriptionId: string) => Promise<CalendarCounts>;
  /** Removes every entry a subscription wrote. */
  forget: (userId: string, subscriptionId: string) => Promise<unknown>;
  limiter: RateLimiter;
  clock: () => Date;
  /** After the row changed (a fetch's outcome, a removal): the cached subscription list is read anew. */
  onChange: (userId: string) => Promise<void>;
};

const L = LIMITS.calendarSubscriptions;

/** The URL to fetch: webcal:// and webcals:// are https://; only http(s) otherwise. 400 when it is not a URL. */
export function normaliseFeedUrl(input: string): string {
  const text = input.trim().replace(/^webcals?:\/\//i, 'https://');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest("url is not a web address. Paste the calendar's subscription URL (https://… or webcal://…).", { field: 'url' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badRequest('url must start with https://, http:// or webcal://.', { field: 'url' });
  }
  if (url.username || url.password) throw badRequest('url must not contain a user name or password.', { field: 'url' });
  url.hash = '';
  return url.toString();
}

/** Why a fetch failed, in words for the user; never the server's answer, never the URL. */
function fetchError(err: unknown): string {
  if (err instanceof OutboundError) {
    switch (err.kind) {
      case 'timeout':
        return `The calendar server did not answer within ${L.timeoutMs / 1000} seconds.`;
      case 'too_large':
        return `The calendar is larger than ${L.maxBytes / 1024 / 1024} MB.`;
      case 'blocked_address':
        return 'The address points to a private, local or otherwise refused network, or is not an http(s) URL.';
      case 'http_status':
        return `The calendar server answered ${err.status}.`;
      case 'too_many_redirects':
        return 'The calendar server redirected too many times.';
      case 'circuit_open':
        return 'The calendar server failed several times in a row; it will be tried again later.';
      default:
        return 'The calendar server could not be reached.';
    }
  }
  if (err instanceof AppError) return err.message;
  return 'The calendar could not be read.';
}

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? null;

const view = (row: SubscriptionRow): CalendarSubscription => ({
  id: row.id,
  origin: new URL(row.url).origin,
  status: row.status,
  lastError: row.lastError,
  lastFetchedAt: row.lastFetchedAt?.toISOString() ?? null,
  counts: row.lastCounts ?? null,
  createdAt: row.createdAt.toISOString(),
});

export function createSubscriptionsService({ repo, feeds, ingest, forget, limiter, clock, onChange }: Deps) {
  /** Fetches a person asks for (add, refresh now): each reaches a server of their choosing. */
  const countFetch = (actor: Actor) =>
    limiter.consume({ key: `icssub:user:${actor.userId}`, limit: { max: L.fetchesPerHour, windowMs: 3_600_000 } }, 'calendar fetches');

  /**
   * Fetches one subscription with its validators (If-None-Match, If-Modified-Since): a 304 writes
   * nothing; a new calendar is ingested. The outcome (or why it failed) is saved on the row.
   */
  async function fetchOne(row: SubscriptionRow): Promise<void> {
    let outcome: FetchOutcome;
    try {
      const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5' };
      if (row.etag) headers['if-none-match'] = row.etag;
      if (row.lastModified) headers['if-modified-since'] = row.lastModified;
      // The provider's limits are the subscription's timeout and size cap (services.ts).
      const res = await feeds.request({ url: row.url, headers });
      if (res.status === 304) {
        outcome = { status: 'ok' };
      } else if (res.status !== 200) {
        outcome = { status: 'failed', error: `The calendar server answered ${res.status}.` };
      } else {
        // UTF-8 or UTF-16 (with or without a BOM) or Windows-1252, as the file import reads it.
        const { text } = (await import('../imports/decode.js')).decodeFile(res.body);
        if (!/^\s*BEGIN:VCALENDAR/i.test(text.slice(0, 1024))) {
          outcome = { status: 'failed', error: 'The address does not answer an iCalendar (.ics) file.' };
        } else {
          const counts = await ingest(row.userId, text, row.id);
          outcome = { status: 'ok', etag: header(res.headers.etag), lastModified: header(res.headers['last-modified']), counts };
        }
      }
    } catch (err) {
      outcome = { status: 'failed', error: fetchError(err) };
    }
    const at = clock();
    await repo.saveFetch(row.id, outcome, at, new Date(at.getTime() + L.refreshMinutes * 60_000));
    await onChange(row.userId);
  }

  async function owned(actor: Actor, id: string): Promise<SubscriptionRow> {
    const row = await repo.find(actor.userId, id);
    if (!row) throw notFound('Calendar subscription');
    return row;
  }

  return {
    async list(actor: Actor): Promise<{ items: CalendarSubscription[] }> {
      return { items: (await repo.list(actor.userId)).map(view) };
    },

    /** Adds the URL and fetches it once at once; the answer says how that went. */
    async add(actor: Actor, input: string): Promise<CalendarSubscription> {
      const url = normaliseFeedUrl(input);
      await countFetch(actor);
      if ((await repo.countFor(actor.userId)) >= L.perUser) {
        throw new AppError('unprocessable', `You can subscribe to at most ${L.perUser} calendars. Remove one first.`);
      }
      const row = await repo.insert(actor.userId, url);
      if (!row) throw conflict('You already subscribe to this calendar.');
      await fetchOne(row);
      return view((await repo.find(actor.userId, row.id))!);
    },

    /** Fetches it now, whatever its schedule. */
    async refresh(actor: Actor, id: string): Promise<CalendarSubscription> {
      const row = await owned(actor, id);
      await countFetch(actor);
      await fetchOne(row);
      return view(await owned(actor, id));
    },

    /** Deletes the subscription and the timeline entries it brought. */
    async remove(actor: Actor, id: string): Promise<void> {
      if (!(await repo.remove(actor.userId, id))) throw notFound('Calendar subscription');
      await forget(actor.userId, id);
      await onChange(actor.userId);
    },

    /** The scheduled job: fetches the subscriptions that are due, one after another. */
    async refreshDue(limit: number): Promise<number> {
      const rows = await repo.due(clock(), limit);
      for (const row of rows) await fetchOne(row);
      return rows.length;
    },
  };
}
