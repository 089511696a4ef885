import { Link } from 'wouter';
import { useLogSession, useSnooze, type TodayPerson } from '../../api/today.api';
import { useToast } from '../../app/toasts';
import { Avatar } from '../../components/contact-bits';
import { ReachLinks } from '../../components/reach-links';
import { plural } from '../../lib/format';

/** How long "Snooze" hides a person. */
export const SNOOZE_DAYS = 7;

function overdueText(p: TodayPerson, group: 'due' | 'never' | 'inactive'): string {
  if (group === 'never') return `Added ${plural(p.daysSinceContact, 'day')} ago, never contacted`;
  const since = p.daysSinceContact > 365 ? 'over a year' : plural(p.daysSinceContact, 'day');
  if (group === 'inactive') return `Inactive · last contact ${since} ago`;
  const times = p.timesCadence >= 3 ? '3× or more' : `${p.timesCadence.toLocaleString()}×`;
  return `${times} their ${p.cadenceDays}-day rhythm · last contact ${since} ago`;
}

export function ReconnectList({ people, group, label }: { people: TodayPerson[]; group: 'due' | 'never' | 'inactive'; label: string }) {
  const logSession = useLogSession();
  const snooze = useSnooze();
  const toast = useToast();
  const busy = logSession.isPending || snooze.isPending;
  return (
    <ul className="divide-y divide-line" aria-label={label}>
      {people.map((p) => {
        const { id, name } = p.contact;
        return (
          <li key={id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
            <Avatar name={name} photoUrl={p.contact.photoUrl} size={32} />
            <div className="min-w-0 flex-1 basis-40">
              <Link href={`/contacts/${id}?tab=timeline`} className="block truncate text-sm font-medium hover:underline">
                {name}
              </Link>
              <p className="text-xs text-muted">{overdueText(p, group)}</p>
            </div>
            <div className="flex items-center gap-1">
              <ReachLinks name={name} phone={p.contact.phone} email={p.contact.email} />
              <button
                type="button"
                className="btn-secondary px-2 py-1 text-xs"
                disabled={busy}
                aria-label={`Log a session with ${name}`}
                onClick={() =>
                  logSession.mutate(id, { onSuccess: () => toast.success(`Session with ${name} logged.`), onError: toast.error })
                }
              >
                Log session
              </button>
              <button
                type="button"
                className="btn-ghost px-2 py-1 text-xs"
                disabled={busy}
                aria-label={`Snooze ${name} for ${SNOOZE_DAYS} days`}
                onClick={() =>
                  snooze.mutate(
                    { contactId: id, days: SNOOZE_DAYS },
                    { onSuccess: () => toast.success(`${name} is snoozed for ${SNOOZE_DAYS} days.`), onError: toast.error },
                  )
                }
              >
                Snooze
              </button>
              <button
                type="button"
                className="btn-ghost px-2 py-1 text-xs"
                disabled={busy}
                aria-label={`Done: reached out to ${name}`}
                title={`Off the list for ${plural(p.cadenceDays, 'day')} (their rhythm)`}
                onClick={() =>
                  snooze.mutate(
                    { contactId: id, days: Math.min(365, p.cadenceDays) },
                    {
                      onSuccess: () => toast.success(`${name} is off your list for ${plural(Math.min(365, p.cadenceDays), 'day')}.`),
                      onError: toast.error,
                    },
                  )
                }
              >
                Done
              </button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
