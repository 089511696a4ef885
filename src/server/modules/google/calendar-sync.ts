import crypto from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import type { Db } from '../../platform/db.js';
import { LIMITS } from '../../platform/limits.js';
import { allowedContactIds } from '../consent/consent.repo.js';
import type { ImportedInteraction } from '../../../shared/api/interactions.js';
import type { SyncStatus } from '../../../shared/api/google.js';
import { conflict, notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { GoogleRepo } from './google.repo.js';
import type { GoogleClients } from './google-clients.js';
import type { GoogleService } from './google.service.js';
import { classifyGoogleError, type GoogleErrorKind } from './google-errors.js';

type Interactions = {
  upsertMany(
    userId: string,
    items: ImportedInteraction[],
  ): Promise<{ inserted: number; updated: number; unchanged: number; skipped: number }>;
  removeFromSource(userId: string, source: 'calendar', prefix: string | string[], keep?: string[]): Promise<number>;
};

type Deps = {
  repo: GoogleRepo;
  db: Db;
  google: GoogleService;
  clients: GoogleClients;
  interactions: Interactions;
  clock: () => Date;
  /** Queues the sync job; absent (tests without a job runner): the process runs the sync itself. */
  enqueue?: (userId: string, startAfterSeconds?: number) => Promise<string | null>;
  /** Told after a run that stored new or changed events (queues their AI classification); never awaited. */
  onEventsStored?: (userId: string) => void;
};

export const INTERVAL_MS = LIMITS.google.syncIntervalMinutes * 60_000;

/** Each user's fixed offset in the interval, so scheduled syncs do not all start at the same second. */
export function offsetMs(userId: string): number {
  return crypto.createHash('sha256').update(userId).digest().readUInt32BE(0) % INTERVAL_MS;
}

/** When the schedule runs this user's sync next: their offset after the current interval's start. */
export function nextRun(userId: string, now: Date): Date {
  const start = Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS;
  const at = start + offsetMs(userId);
  return new Date(at > now.getTime() ? at : at + INTERVAL_MS);
}

type Stats = { events: number; inserted: number; updated: number; removed: number; pages: number };
export type LastError = { kind: GoogleErrorKind; message: string; at: string };

const MEETING_URL = /(zoom\.us|meet\.google\.com|teams\.microsoft\.com|whereby\.com|webex\.com|jit\.si)/i;
const PHONE = /^\s*(tel:)?\+?[\d\s().-]{6,}\s*$/i;

/** In person, video or phone, from the conference data and the location. */
function meetingKind(event: calendar_v3.Schema$Event): 'in_person' | 'video' | 'phone' {
  const points = event.conferenceData?.entryPoints ?? [];
  if (points.some((p) => p.entryPointType === 'video') || event.hangoutLink) return 'video';
  if (points.some((p) => p.entryPointType === 'phone')) return 'phone';
  const location = event.location ?? '';
  if (MEETING_URL.test(location)) return 'video';
  if (PHONE.test(location)) return 'phone';
  return 'in_person';
}

/** Runs the works given to it one after another, in the order given, whatever their callers. */
function serially() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
}

const occurredAt = (e: calendar_v3.Schema$Event) => e.start?.dateTime ?? (e.start?.date ? `${e.start.date}T12:00:00Z` : undefined);

/**
 * Calendar sync for one user: each chosen calendar paged with its sync token (none: a full read),
 * 410 → a full resync that keeps exactly what Google still lists. Each event × matched contact
 * (attendees and organiser, by any email, only contacts with calendar_ingestion consent) is one
 * meeting on the timeline, written through the interactions service a page at a time.
 */
export function createCalendarSync({ repo, db, google, clients, interactions, clock, enqueue, onEventsStored }: Deps) {
  async function writePage(
    userId: string,
    calendarId: string,
    items: calendar_v3.Schema$Event[],
    full: boolean,
    keep: string[],
    stats: Stats,
  ) {
    const live = items.filter((e) => e.id && e.status !== 'cancelled' && occurredAt(e));
    const emailsOf = (e: calendar_v3.Schema$Event) =>
      [...(e.attendees ?? []).map((a) => a.email), e.organizer?.email].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    const emails = [...new Set(live.flatMap(emailsOf))];
    const matches = await repo.contactsByEmail(userId, emails);
    const allowed = await allowedContactIds(db, userId, 'calendar_ingestion', [...new Set(matches.map((m) => m.id))]);
    const byEmail = new Map<string, string[]>();
    for (const m of matches) if (allowed.has(m.id)) byEmail.set(m.email, [...(byEmail.get(m.email) ?? []), m.id]);

    const rows: ImportedInteraction[] = [];
    const perEvent = new Map<string, string[]>();
    for (const e of live) {
      const contactIds = new Set(emailsOf(e).flatMap((x) => byEmail.get(x) ?? []));
      const ids: string[] = [];
      for (const contactId of contactIds) {
        const sourceId = `${calendarId}:${e.id}:${contactId}`;
        ids.push(sourceId);
        rows.push({
          contactId,
          type: 'meeting',
          subject: e.summary ?? '',
          // The event's notes (capped as an ICS import caps them): the classification reads them.
          content: (e.description ?? '').slice(0, 4_000),
          occurredAt: occurredAt(e)!,
          source: 'calendar',
          sourceId,
          metadata: {
            kind: meetingKind(e),
            calendarId,
            eventId: e.id,
            allDay: !e.start?.dateTime,
            ...(e.location ? { location: e.location.slice(0, 500) } : {}),
            ...(e.end?.dateTime || e.end?.date ? { endsAt: e.end.dateTime ?? e.end.date } : {}),
            ...(e.recurringEventId ? { recurringEventId: e.recurringEventId } : {}),
          },
        });
      }
      perEvent.set(e.id!, ids);
      keep.push(...ids);
    }
    if (rows.length) {
      const r = await interactions.upsertMany(userId, rows);
      stats.inserted += r.inserted;
      stats.updated += r.updated;
    }
    if (!full) {
      // A changed event may have lost attendees; a cancelled one loses all its entries: one
      // statement for the page, keeping what the page still lists.
      const changed = items.filter((e) => e.id);
      stats.removed += await interactions.removeFromSource(
        userId,
        'calendar',
        changed.map((e) => `${calendarId}:${e.id}:`),
        changed.flatMap((e) => perEvent.get(e.id!) ?? []),
      );
    }
    stats.events += items.length;
    stats.pages += 1;
  }

  /**
   * The pages of one calendar; the next page is asked for as soon as the current one arrives, so
   * Google's answer travels while the caller writes the page before it.
   */
  async function* pages(api: calendar_v3.Calendar, calendarId: string, syncToken: string | null) {
    const list = (pageToken?: string) => {
      const call = api.events.list({
        calendarId,
        singleEvents: true,
        showDeleted: !!syncToken,
        maxResults: LIMITS.google.eventsPageSize,
        ...(pageToken ? { pageToken } : {}),
        ...(syncToken ? { syncToken } : {}),
      });
      // A prefetch whose page is never awaited (the run failed meanwhile) must not end the process.
      call.catch(() => undefined);
      return call;
    };
    let next = list();
    for (;;) {
      const { data } = await next;
      const pageToken = data.nextPageToken ?? undefined;
      if (pageToken) next = list(pageToken);
      yield data;
      if (!pageToken) return;
    }
  }

  async function syncCalendar(
    userId: string,
    api: calendar_v3.Calendar,
    calendarId: string,
    syncToken: string | null,
    stats: Stats,
    write: <T>(work: () => Promise<T>) => Promise<T>,
    progress: () => Promise<void>,
  ) {
    const full = !syncToken;
    const keep: string[] = [];
    let nextSyncToken: string | null | undefined;
    for await (const page of pages(api, calendarId, syncToken)) {
      const items = page.items ?? [];
      await write(async () => {
        await writePage(userId, calendarId, items, full, keep, stats);
        if (items.length) await progress();
      });
      nextSyncToken = page.nextSyncToken;
    }
    await write(async () => {
      // A full read keeps exactly what Google listed: anything else of this calendar is an orphan.
      if (full) stats.removed += await interactions.removeFromSource(userId, 'calendar', `${calendarId}:`, keep);
      // Nothing changed since the last run: the same token, nothing to write.
      if (nextSyncToken !== syncToken) await repo.putSyncState(userId, calendarId, { syncToken: nextSyncToken ?? null }, clock());
    });
  }

  /**
   * One run for one user. Throws a GoogleCallError of kind `temporary` (the job retries it); any
   * other failure is recorded and ends the run. `invalid_grant` marks the connection needs_reconnect.
   */
  async function run(userId: string, jobId?: string, log?: { warn(obj: object, msg: string): void }): Promise<Stats | undefined> {
    const connection = await repo.find(userId);
    if (!connection?.services.includes('calendar')) return undefined;
    const now = clock();
    const states = new Map((await repo.syncStates(userId)).map((s) => [s.resourceId, s]));
    const failures = states.get('')?.stats.failures ?? 0;
    await repo.putSyncState(userId, '', { status: 'running', lastStartedAt: now, ...(jobId ? { jobId } : {}) }, now);
    const stats: Stats = { events: 0, inserted: 0, updated: 0, removed: 0, pages: 0 };
    // Progress for GET /api/sync/jobs/:id/events: the counts so far, after each page.
    const progress = () => repo.putSyncState(userId, '', { stats: { ...stats, failures } }, clock());
    try {
      const { client } = await google.authorized(userId);
      const api = await clients.calendar(client);
      const calendarIds = connection.calendarIds.length ? connection.calendarIds : ['primary'];
      // The calendars are read at once; their pages are written one at a time (one transaction
      // each, in arrival order), so two pages never lock the same contacts or day counts together.
      const write = serially();
      const outcomes = await Promise.allSettled(
        calendarIds.map(async (calendarId) => {
          const token = states.get(calendarId)?.syncToken ?? null;
          try {
            await syncCalendar(userId, api, calendarId, token, stats, write, progress);
          } catch (err) {
            if (!token || classifyGoogleError(err).kind !== 'cursor_invalid') throw err;
            await syncCalendar(userId, api, calendarId, null, stats, write, progress);
          }
        }),
      );
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      await repo.putSyncState(
        userId,
        '',
        { status: 'idle', lastError: null, lastSyncedAt: clock(), stats: { ...stats, failures: 0 }, itemsSynced: stats.events },
        clock(),
      );
      if (stats.inserted || stats.updated) onEventsStored?.(userId);
      return stats;
    } catch (err) {
      const failure = classifyGoogleError(err);
      // Only the error's type and code reach the log (platform/log-fields.ts), never event data.
      if (failure.kind === 'unknown') log?.warn({ err }, 'calendar sync failed for an unexpected reason');
      if (failure.kind === 'auth_revoked') await google.markNeedsReconnect(userId);
      const lastError: LastError = { kind: failure.kind, message: failure.message, at: clock().toISOString() };
      await repo.putSyncState(
        userId,
        '',
        {
          status: failure.kind === 'auth_revoked' ? 'needs_reconnect' : 'failed',
          lastError: JSON.stringify(lastError),
          stats: { ...stats, failures: failures + 1 },
        },
        clock(),
      );
      if (failure.kind === 'temporary') throw failure;
      return undefined;
    }
  }

  return {
    run,

    /** The scheduled tick: queues every connected user's sync, each at their offset in the interval. */
    async scheduleAll(): Promise<number> {
      if (!enqueue) return 0;
      const now = clock();
      const start = Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS;
      const users = await repo.scheduledUsers('calendar');
      for (const userId of users) {
        const delay = Math.max(0, start + offsetMs(userId) - now.getTime());
        await enqueue(userId, Math.ceil(delay / 1000));
      }
      return users.length;
    },

    /** "Sync now": queues the job (one waiting per user at most) and answers its id. */
    async start(actor: Actor): Promise<string> {
      const connection = await repo.find(actor.userId);
      if (!connection?.services.includes('calendar')) throw conflict('Connect Google with Calendar first (Integrations page).');
      if (connection.status === 'needs_reconnect') throw conflict('Google no longer accepts the connection. Reconnect Google first.');
      if (enqueue) {
        const queued = await enqueue(actor.userId);
        // null: a run of this user is already waiting; its id is the one stored when it was queued.
        const jobId = queued ?? (await repo.syncStates(actor.userId)).find((s) => s.resourceId === '')?.jobId ?? crypto.randomUUID();
        await repo.putSyncState(actor.userId, '', { status: 'running', jobId }, clock());
        return jobId;
      }
      const jobId = crypto.randomUUID();
      await repo.putSyncState(actor.userId, '', { status: 'running', jobId }, clock());
      setImmediate(() => void run(actor.userId, jobId).catch(() => undefined));
      return jobId;
    },

    /** The run `jobId` of this user, as GET /api/sync shows it; 404 for another user's or an unknown job. */
    async job(actor: Actor, jobId: string): Promise<SyncStatus['services'][number]> {
      const row = (await repo.syncStates(actor.userId)).find((s) => s.resourceId === '');
      if (!row || row.jobId !== jobId) throw notFound('Sync job');
      return (await this.status(actor)).services[0]!;
    },

    async status(actor: Actor): Promise<SyncStatus> {
      const connection = await repo.find(actor.userId);
      const row = (await repo.syncStates(actor.userId)).find((s) => s.resourceId === '');
      const enabled = !!connection?.services.includes('calendar');
      const lastError = row?.lastError ? (JSON.parse(row.lastError) as LastError) : null;
      // A run in progress says so until it has recorded its outcome (it may mark the connection first).
      const status =
        row?.status === 'running'
          ? 'running'
          : connection?.status === 'needs_reconnect'
            ? 'needs_reconnect'
            : row?.status === 'failed'
              ? 'failed'
              : 'idle';
      const { failures = 0, ...stats } = row?.stats ?? {};
      return {
        services: [
          {
            service: 'calendar',
            enabled,
            status,
            lastSuccessAt: row?.lastSyncedAt?.toISOString() ?? null,
            lastError,
            failures,
            nextRunAt: enabled && connection?.status === 'active' ? nextRun(actor.userId, clock()).toISOString() : null,
            stats,
          },
        ],
      };
    },
  };
}
