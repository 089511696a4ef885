import { type FormEvent, useState } from 'react';
import { useAddCalendarSubscription, useCalendarSubscriptions, useRemoveCalendarSubscription } from '../../api/calendar-feed.api';
import { useToast } from '../../app/toasts';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDateTime } from '../../lib/format';

/** Calendars the server fetches every hour: add a URL (webcal:// too), see how the last fetch went, remove one. */
export function CalendarSubscriptionsSection() {
  const list = useCalendarSubscriptions();
  const add = useAddCalendarSubscription();
  const remove = useRemoveCalendarSubscription();
  const toast = useToast();
  const [url, setUrl] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!url.trim()) return;
    add.mutate(url.trim(), {
      onSuccess: (sub) => {
        setUrl('');
        if (sub.status === 'failed') toast.error(`Subscribed, but the first fetch failed: ${sub.lastError ?? ''}`);
        else toast.success('Calendar subscribed.');
      },
    });
  };

  return (
    <section aria-labelledby="calendar-subscriptions-title" className="card p-5">
      <h2 id="calendar-subscriptions-title" className="text-lg font-semibold">
        Calendar subscriptions
      </h2>
      <p className="mt-1 text-sm text-muted">
        The secret address (ICS or webcal://) of a calendar you keep elsewhere. It is read every hour; each event with one of your contacts
        as organiser or attendee (with calendar consent) becomes a meeting on their timeline.
      </p>
      <div className="mt-4 space-y-3">
        {list.isPending && <Spinner label="Loading the calendar subscriptions" />}
        <ErrorNotice error={list.error} title="The calendar subscriptions could not be loaded" onRetry={() => void list.refetch()} />
        <ErrorNotice error={add.error ?? remove.error} title="The calendar subscriptions were not changed" />
        {list.data && list.data.items.length > 0 && (
          <ul className="divide-y text-sm" data-testid="calendar-subscriptions">
            {list.data.items.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <div className="font-medium">{s.origin}</div>
                  <div className="text-muted">
                    {s.status === 'pending' && 'Not fetched yet.'}
                    {s.status === 'ok' &&
                      `Fetched ${formatDateTime(s.lastFetchedAt)}${s.counts ? `: ${s.counts.events} events, ${s.counts.created + s.counts.updated + s.counts.unchanged} meetings` : ''}.`}
                    {s.status === 'failed' && <span className="text-danger">{s.lastError}</span>}
                  </div>
                </div>
                <button type="button" className="btn-secondary" disabled={remove.isPending} onClick={() => remove.mutate(s.id)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="flex flex-wrap gap-2" onSubmit={submit}>
          <label htmlFor="calendar-subscription-url" className="sr-only">
            Calendar address
          </label>
          <input
            id="calendar-subscription-url"
            className="input min-w-0 flex-1"
            type="text"
            inputMode="url"
            placeholder="https://… or webcal://…"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit" className="btn-primary" disabled={add.isPending || !url.trim()}>
            <Busy isBusy={add.isPending} busyText="Subscribing…">
              Subscribe
            </Busy>
          </button>
        </form>
      </div>
    </section>
  );
}
