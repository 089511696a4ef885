import { useState } from 'react';
import { useCalendarFeed, useRevokeCalendarFeed, useRotateCalendarFeed } from '../../api/calendar-feed.api';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';

/**
 * The secret calendar feed: made here, its URL shown once (only a hash of it is kept), replaced
 * after a confirmation (the old URL stops working), or turned off.
 */
export function CalendarFeedSection() {
  const feed = useCalendarFeed();
  const rotate = useRotateCalendarFeed();
  const revoke = useRevokeCalendarFeed();
  const toast = useToast();
  const [url, setUrl] = useState<string | null>(null);
  const [isConfirming, setConfirming] = useState(false);
  const isOn = !!feed.data?.createdAt;

  const make = () =>
    rotate.mutate(undefined, {
      onSuccess: (made) => {
        setUrl(made.url);
        setConfirming(false);
        toast.success(isOn ? 'New feed address made; the old one no longer works.' : 'Calendar feed turned on.');
      },
    });
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      toast.success('Feed address copied.');
    } catch {
      toast.error('The address could not be copied; select it and copy it by hand.');
    }
  };

  return (
    <section aria-labelledby="calendar-feed-title" className="card p-5">
      <h2 id="calendar-feed-title" className="text-lg font-semibold">
        Calendar feed
      </h2>
      <p className="mt-1 text-sm text-muted">
        Birthdays, important dates, task due dates and when to reconnect with someone, in any calendar app that can subscribe to a calendar
        by URL (Google Calendar, Apple Calendar, Outlook).
      </p>
      <div className="mt-4 space-y-3">
        {feed.isPending && <Spinner label="Loading the calendar feed" />}
        <ErrorNotice error={feed.error} title="The calendar feed could not be loaded" onRetry={() => void feed.refetch()} />
        <ErrorNotice error={rotate.error ?? revoke.error} title="The calendar feed was not changed" />
        {url && (
          <div className="space-y-2">
            <label htmlFor="calendar-feed-url" className="block text-sm font-medium">
              Your feed address
            </label>
            <div className="flex flex-wrap gap-2">
              <input
                id="calendar-feed-url"
                className="input min-w-0 flex-1"
                readOnly
                value={url}
                onFocus={(e) => e.currentTarget.select()}
              />
              <button type="button" className="btn-primary" onClick={() => void copy()}>
                Copy
              </button>
            </div>
            <p className="text-sm text-muted">
              Keep it secret: anyone with this address can read these dates. It is shown only now; if you lose it, make a new one.
            </p>
          </div>
        )}
        {feed.data && !isOn && (
          <button type="button" className="btn-primary" disabled={rotate.isPending} onClick={make}>
            <Busy isBusy={rotate.isPending} busyText="Turning on…">
              Turn on the calendar feed
            </Busy>
          </button>
        )}
        {isOn && (
          <>
            <p className="text-sm">On since {formatDateTime(feed.data?.createdAt)}.</p>
            {isConfirming ? (
              <div role="group" aria-label="Confirm a new feed address" className="flex flex-wrap items-center gap-2">
                <span className="text-sm">The current address will stop working in every calendar app that uses it.</span>
                <button type="button" className="btn-danger" disabled={rotate.isPending} onClick={make}>
                  <Busy isBusy={rotate.isPending} busyText="Making a new address…">
                    Yes, make a new address
                  </Busy>
                </button>
                <button type="button" className="btn-secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <div className="flex flex-wrap gap-2">
                <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
                  Make a new address
                </button>
                <button
                  type="button"
                  className="btn-secondary"
                  disabled={revoke.isPending}
                  onClick={() =>
                    revoke.mutate(undefined, {
                      onSuccess: () => {
                        setUrl(null);
                        toast.success('Calendar feed turned off.');
                      },
                    })
                  }
                >
                  <Busy isBusy={revoke.isPending} busyText="Turning off…">
                    Turn off
                  </Busy>
                </button>
              </div>
            )}
          </>
        )}
      </div>
    </section>
  );
}
