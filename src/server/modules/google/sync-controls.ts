import crypto from 'node:crypto';
import type { SyncStatus } from '../../../shared/api/google.js';
import { conflict } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { GoogleRepo } from './google.repo.js';
import type { GoogleService } from './google.service.js';
import { classifyGoogleError } from './google-errors.js';
import { INTERVAL_MS, type LastError, nextRun, offsetMs } from './calendar-sync.js';

type Provider = 'gmail' | 'google_drive';
type Stats = Record<string, number>;
type Log = { warn(obj: object, msg: string): void };

type Deps = {
  repo: GoogleRepo;
  google: GoogleService;
  clock: () => Date;
  /** The connection's service name, its sync_state provider, and how the user turns it on. */
  service: 'gmail' | 'drive';
  provider: Provider;
  label: string;
  enqueue?: (userId: string, startAfterSeconds?: number) => Promise<string | null>;
};

/** What one run's body answers: the cursor to keep and how many items it read. */
export type RunOutcome = { cursor: string | null; items: number };

/**
 * The parts every single-cursor Google sync (Gmail, Drive) shares: its status row in `sync_state`
 * (resource ''), a run wrapped with the status, failure counter and error reduction, the scheduled
 * tick, "sync now" and the job lookup of the progress stream.
 */
export function createSyncControls({ repo, google, clock, service, provider, label, enqueue }: Deps) {
  const stateOf = async (userId: string) => (await repo.syncStates(userId, provider)).find((s) => s.resourceId === '');
  const put = (userId: string, set: Parameters<GoogleRepo['putSyncState']>[2]) => repo.putSyncState(userId, '', set, clock(), provider);

  /**
   * Runs `body` for a user whose service is on: status running, then idle with the new cursor, or
   * failed with the reduced error (auth revoked: needs reconnect). A temporary failure throws (the
   * job retries it); anything else is recorded and answered as undefined.
   */
  async function run<S extends Stats>(
    userId: string,
    stats: S,
    body: (ctx: { cursor: string | null; progress: () => Promise<void> }) => Promise<RunOutcome>,
    jobId?: string,
    log?: Log,
  ): Promise<S | undefined> {
    const connection = await repo.find(userId);
    if (!connection?.services.includes(service)) return undefined;
    const state = await stateOf(userId);
    const failures = state?.stats.failures ?? 0;
    await put(userId, { status: 'running', lastStartedAt: clock(), ...(jobId ? { jobId } : {}) });
    const progress = () => put(userId, { stats: { ...stats, failures } });
    try {
      const outcome = await body({ cursor: state?.syncToken ?? null, progress });
      await put(userId, {
        syncToken: outcome.cursor,
        status: 'idle',
        lastError: null,
        lastSyncedAt: clock(),
        stats: { ...stats, failures: 0 },
        itemsSynced: outcome.items,
      });
      return stats;
    } catch (err) {
      const failure = classifyGoogleError(err);
      // Only the error's type and code reach the log, never client data.
      if (failure.kind === 'unknown') log?.warn({ err }, `${label} sync failed for an unexpected reason`);
      if (failure.kind === 'auth_revoked') await google.markNeedsReconnect(userId);
      const lastError: LastError = { kind: failure.kind, message: failure.message, at: clock().toISOString() };
      await put(userId, {
        status: failure.kind === 'auth_revoked' ? 'needs_reconnect' : 'failed',
        lastError: JSON.stringify(lastError),
        stats: { ...stats, failures: failures + 1 },
      });
      if (failure.kind === 'temporary') throw failure;
      return undefined;
    }
  }

  async function status(actor: Actor): Promise<SyncStatus['services'][number]> {
    const connection = await repo.find(actor.userId);
    const row = await stateOf(actor.userId);
    const enabled = !!connection?.services.includes(service);
    const lastError = row?.lastError ? (JSON.parse(row.lastError) as LastError) : null;
    const current =
      row?.status === 'running'
        ? 'running'
        : connection?.status === 'needs_reconnect'
          ? 'needs_reconnect'
          : row?.status === 'failed'
            ? 'failed'
            : 'idle';
    const { failures = 0, ...stats } = row?.stats ?? {};
    return {
      service,
      enabled,
      status: current,
      lastSuccessAt: row?.lastSyncedAt?.toISOString() ?? null,
      lastError,
      failures,
      nextRunAt: enabled && connection?.status === 'active' ? nextRun(actor.userId, clock()).toISOString() : null,
      stats,
    };
  }

  return {
    run,
    status,

    /** The scheduled tick: queues every user with the service on, each at their offset in the interval. */
    async scheduleAll(): Promise<number> {
      if (!enqueue) return 0;
      const now = clock();
      const start = Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS;
      const users = await repo.scheduledUsers(service);
      for (const userId of users) {
        await enqueue(userId, Math.ceil(Math.max(0, start + offsetMs(userId) - now.getTime()) / 1000));
      }
      return users.length;
    },

    /** "Sync now": queues the job (one waiting per user at most) and answers its id; `runNow` without a job runner. */
    async start(actor: Actor, runNow: (userId: string, jobId: string) => Promise<unknown>): Promise<string> {
      const connection = await repo.find(actor.userId);
      if (!connection?.services.includes(service)) throw conflict(`Connect Google with ${label} first (Integrations page).`);
      if (connection.status === 'needs_reconnect') throw conflict('Google no longer accepts the connection. Reconnect Google first.');
      if (enqueue) {
        const queued = await enqueue(actor.userId);
        const jobId = queued ?? (await stateOf(actor.userId))?.jobId ?? crypto.randomUUID();
        await put(actor.userId, { status: 'running', jobId });
        return jobId;
      }
      const jobId = crypto.randomUUID();
      await put(actor.userId, { status: 'running', jobId });
      setImmediate(() => void runNow(actor.userId, jobId).catch(() => undefined));
      return jobId;
    },

    /** The run `jobId` of this user, or undefined when it is not a run of this service of theirs. */
    async job(actor: Actor, jobId: string): Promise<SyncStatus['services'][number] | undefined> {
      const row = await stateOf(actor.userId);
      if (!row || row.jobId !== jobId) return undefined;
      return status(actor);
    },
  };
}
