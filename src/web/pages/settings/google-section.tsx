import { useEffect } from 'react';
import {
  googleConnectUrl,
  useDisconnectGoogle,
  useGoogleCalendars,
  useGoogleConnection,
  useSelectCalendars,
  useSyncNow,
  useSyncStatus,
} from '../../api/google.api';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';
import type { SyncStatus } from '../../../shared/api/google';

type ServiceSync = SyncStatus['services'][number];

/** The last run of an optional service (Gmail, Drive): running with what it read, or when it last finished, and its error. */
function ServiceSyncStatus({ sync, label, counted }: { sync: ServiceSync; label: string; counted: string }) {
  return (
    <div className="text-sm" aria-live="polite">
      <p>
        {sync.status === 'running'
          ? `Syncing ${label}… ${sync.stats[counted] ?? 0} ${counted} read`
          : `Last ${label} sync: ${sync.lastSuccessAt ? formatDateTime(sync.lastSuccessAt) : 'never'}`}
      </p>
      {sync.lastError && sync.status !== 'running' && <p className="text-danger">{sync.lastError.message}</p>}
    </div>
  );
}

const OUTCOMES: Record<string, string> = {
  connected: 'Google connected.',
  denied: 'Google was not connected: access was not allowed.',
};

/**
 * Integrations: connect Google (the browser goes to Google and back to this page), turn Calendar on,
 * choose calendars, sync now, and see the last sync and what to do about an error.
 */
export function GoogleSection() {
  const connection = useGoogleConnection();
  const isCalendarOn = !!connection.data?.connected && connection.data.services.calendar && connection.data.status === 'active';
  const calendars = useGoogleCalendars(isCalendarOn);
  const select = useSelectCalendars();
  const disconnect = useDisconnectGoogle();
  const sync = useSyncStatus(!!connection.data?.connected);
  const syncNow = useSyncNow();
  const toast = useToast();
  const calendarSync = sync.data?.services.find((s) => s.service === 'calendar');
  const gmailSync = sync.data?.services.find((s) => s.service === 'gmail');
  const isGmailOn = !!connection.data?.connected && connection.data.services.gmail && connection.data.status === 'active';
  const driveSync = sync.data?.services.find((s) => s.service === 'drive');
  const isDriveOn = !!connection.data?.connected && connection.data.services.drive && connection.data.status === 'active';
  const on = connection.data?.services ?? { calendar: false, gmail: false, drive: false };

  useEffect(() => {
    const outcome = new URLSearchParams(window.location.search).get('google');
    if (!outcome || !OUTCOMES[outcome]) return;
    if (outcome === 'connected') toast.success(OUTCOMES[outcome]);
    else toast.error(OUTCOMES[outcome]);
    window.history.replaceState(null, '', window.location.pathname);
  }, [toast]);

  const toggleCalendar = (id: string, isOn: boolean) => {
    const chosen = (calendars.data?.items ?? []).filter((c) => (c.id === id ? isOn : c.selected)).map((c) => c.id);
    select.mutate(chosen);
  };

  return (
    <section aria-labelledby="google-title" className="card p-5">
      <h2 id="google-title" className="text-lg font-semibold">
        Google
      </h2>
      <p className="mt-1 text-sm text-muted">
        Connect Google Calendar: sessions with your clients appear on their timelines by themselves (only for clients whose calendar consent
        is recorded). Turn on Gmail and the emails you exchange with clients whose email consent is recorded appear too. Turn on Drive and
        the PDF, Word, text and Google Docs files that name a client (or their email) appear on their Documents tab, for clients whose
        document consent is recorded.
      </p>
      <div className="mt-4 space-y-3">
        {connection.isPending && <Spinner label="Loading the Google connection" />}
        <ErrorNotice error={connection.error} title="The Google connection could not be loaded" onRetry={() => void connection.refetch()} />
        <ErrorNotice error={disconnect.error ?? select.error ?? syncNow.error} title="Google was not changed" />
        {connection.data && !connection.data.connected && (
          <a className="btn-primary inline-block" href={googleConnectUrl(true)}>
            Connect Google Calendar
          </a>
        )}
        {connection.data?.connected && (
          <>
            <p className="text-sm">
              Connected as <strong>{connection.data.email ?? 'your Google account'}</strong> since{' '}
              {formatDateTime(connection.data.connectedAt)}.
            </p>
            {connection.data.status === 'needs_reconnect' && (
              <p role="alert" className="text-sm text-danger">
                Google no longer accepts this connection (access was removed or expired). Reconnect to resume syncing.{' '}
                <a className="underline" href={googleConnectUrl(on.calendar, on.gmail, on.drive)}>
                  Reconnect Google
                </a>
              </p>
            )}
            {connection.data.status === 'active' && !connection.data.services.calendar && (
              <a className="btn-secondary inline-block" href={googleConnectUrl(true, on.gmail, on.drive)}>
                Turn on Calendar
              </a>
            )}
            {connection.data.status === 'active' && !connection.data.services.gmail && (
              <a className="btn-secondary ml-2 inline-block" href={googleConnectUrl(on.calendar, true, on.drive)}>
                Turn on Gmail
              </a>
            )}
            {connection.data.status === 'active' && !connection.data.services.drive && (
              <a className="btn-secondary ml-2 inline-block" href={googleConnectUrl(on.calendar, on.gmail, true)}>
                Turn on Drive
              </a>
            )}
            {isCalendarOn && (
              <fieldset className="space-y-1">
                <legend className="text-sm font-medium">Calendars to sync</legend>
                {calendars.isPending && <Spinner label="Loading your calendars" />}
                <ErrorNotice error={calendars.error} title="Your calendars could not be loaded" onRetry={() => void calendars.refetch()} />
                {calendars.data?.items.map((c) => (
                  <label key={c.id} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      checked={c.selected}
                      disabled={select.isPending}
                      onChange={(e) => toggleCalendar(c.id, e.currentTarget.checked)}
                    />
                    {c.summary}
                    {c.primary && <span className="text-muted">(main)</span>}
                  </label>
                ))}
              </fieldset>
            )}
            {calendarSync && (
              <div className="text-sm" aria-live="polite">
                <p>
                  {calendarSync.status === 'running'
                    ? `Syncing… ${calendarSync.stats.events ?? 0} events read`
                    : `Last sync: ${calendarSync.lastSuccessAt ? formatDateTime(calendarSync.lastSuccessAt) : 'never'}`}
                  {calendarSync.nextRunAt && calendarSync.status !== 'running' && `; next ${formatDateTime(calendarSync.nextRunAt)}`}
                </p>
                {calendarSync.lastError && calendarSync.status !== 'running' && (
                  <p className="text-danger">{calendarSync.lastError.message}</p>
                )}
              </div>
            )}
            {gmailSync?.enabled && <ServiceSyncStatus sync={gmailSync} label="Gmail" counted="messages" />}
            {driveSync?.enabled && <ServiceSyncStatus sync={driveSync} label="Drive" counted="files" />}
            <div className="flex flex-wrap gap-2">
              {isCalendarOn && (
                <button
                  type="button"
                  className="btn-primary"
                  disabled={syncNow.isPending || calendarSync?.status === 'running'}
                  onClick={() => syncNow.mutate('calendar')}
                >
                  <Busy isBusy={syncNow.isPending || calendarSync?.status === 'running'} busyText="Syncing…">
                    Sync now
                  </Busy>
                </button>
              )}
              {isGmailOn && (
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={syncNow.isPending || gmailSync?.status === 'running'}
                  onClick={() => syncNow.mutate('gmail')}
                >
                  <Busy isBusy={gmailSync?.status === 'running'} busyText="Syncing Gmail…">
                    Sync Gmail now
                  </Busy>
                </button>
              )}
              {isDriveOn && (
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={syncNow.isPending || driveSync?.status === 'running'}
                  onClick={() => syncNow.mutate('drive')}
                >
                  <Busy isBusy={driveSync?.status === 'running'} busyText="Syncing Drive…">
                    Sync Drive now
                  </Busy>
                </button>
              )}
              <button
                type="button"
                className="btn-secondary"
                disabled={disconnect.isPending}
                onClick={() => disconnect.mutate(undefined, { onSuccess: () => toast.success('Google disconnected.') })}
              >
                <Busy isBusy={disconnect.isPending} busyText="Disconnecting…">
                  Disconnect Google
                </Busy>
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
