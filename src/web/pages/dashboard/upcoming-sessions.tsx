import { Link } from 'wouter';
import type { DashboardStats } from '../../../shared/api/dashboard';

type Session = DashboardStats['upcomingSessions'][number];

/** When a session starts, in the account's time zone: its day, and its time unless it lasts all day. */
function when(s: Session, timeZone: string | undefined): string {
  const day = new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: s.allDay ? 'UTC' : timeZone,
  });
  const date = day.format(new Date(s.startsAt));
  return s.allDay
    ? `${date} · All day`
    : `${date} · ${new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone }).format(new Date(s.startsAt))}`;
}

/** Today's and the next 7 days' sessions, soonest first, each with links to its clients. */
export function UpcomingSessions({ sessions, timeZone }: { sessions: Session[]; timeZone: string | undefined }) {
  if (!sessions.length) return <p className="text-sm text-muted">No sessions in the next 7 days.</p>;
  return (
    <ul className="divide-y divide-line" aria-label="Upcoming sessions">
      {sessions.map((s) => (
        <li key={s.key} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 py-2 text-sm">
          <span className="min-w-0">
            <span className="font-medium">{s.title || 'Session'}</span>
            {s.contacts.length > 0 && (
              <span className="text-muted">
                {' · with '}
                {s.contacts.map((c, i) => (
                  <span key={c.id}>
                    {i > 0 && ', '}
                    <Link href={`/contacts/${c.id}?tab=timeline`} className="text-ink hover:underline">
                      {c.name}
                    </Link>
                  </span>
                ))}
              </span>
            )}
          </span>
          <span className="shrink-0 tabular-nums text-muted">{when(s, timeZone)}</span>
        </li>
      ))}
    </ul>
  );
}
