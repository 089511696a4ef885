import { Link } from 'wouter';
import { useToday, type Today, type TodaySession, type TodayTask } from '../../api/today.api';
import { useMe } from '../../api/auth.api';
import { Avatar } from '../../components/contact-bits';
import { ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import { LogClassButton } from '../../components/log-class-lazy';
import { ReachLinks } from '../../components/reach-links';
import { ReconnectList } from './today-reconnect';

function Section({ title, count, href, children }: { title: string; count?: number; href?: string; children: React.ReactNode }) {
  const id = `today-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card p-4">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id={id} className="font-semibold">
          {title}
        </h2>
        {count !== undefined && href && (
          <Link href={href} className="text-sm text-brand-ink underline">
            All {count.toLocaleString()}
          </Link>
        )}
      </div>
      {children}
    </section>
  );
}

function Figure({ n, label, href, testId }: { n: number; label: string; href: string; testId: string }) {
  return (
    <Link href={href} data-testid={testId} className="card block p-3 hover:bg-raised">
      <span className="block text-2xl font-semibold tabular-nums">{n.toLocaleString()}</span>
      <span className="text-sm text-muted">{label}</span>
    </Link>
  );
}

function SessionRow({ s, timeZone }: { s: TodaySession; timeZone: string }) {
  const time = s.isAllDay ? 'All day' : new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone }).format(new Date(s.startsAt));
  return (
    <li className="flex items-center gap-3 py-2">
      <span className="w-16 shrink-0 text-sm tabular-nums text-muted">{time}</span>
      <div className="min-w-0 flex-1">
        <p className="truncate text-sm font-medium">{s.title || 'Untitled session'}</p>
        {s.contact && (
          <Link href={`/contacts/${s.contact.id}`} className="text-xs text-muted hover:underline">
            with {s.contact.name}
          </Link>
        )}
        {s.location && <p className="truncate text-xs text-muted">{s.location}</p>}
      </div>
      {s.contact && <Avatar name={s.contact.name} photoUrl={s.contact.photoUrl} size={28} />}
      {s.contact && <ReachLinks name={s.contact.name} phone={s.contact.phone} email={s.contact.email} />}
    </li>
  );
}

function TaskList({ tasks, label, timeZone }: { tasks: TodayTask[]; label: string; timeZone: string }) {
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone });
  return (
    <ul aria-label={label} className="space-y-1 text-sm">
      {tasks.map((t) => (
        <li key={t.id} className="flex justify-between gap-2">
          <span className="min-w-0 truncate">{t.title}</span>
          <span className="shrink-0 text-muted">{fmt.format(new Date(t.dueAt))}</span>
        </li>
      ))}
    </ul>
  );
}

function Sessions({ data }: { data: Today }) {
  const days = [
    ['today', 'Today'],
    ['tomorrow', 'Tomorrow'],
  ] as const;
  return (
    <Section title="Sessions">
      {days.map(([day, label]) => {
        const list = data.sessions.filter((s) => s.day === day);
        return (
          <div key={day} className="mb-2">
            <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">{label}</h3>
            {list.length === 0 ? (
              <p className="py-2 text-sm text-muted">No sessions {day}.</p>
            ) : (
              <ul aria-label={`Sessions ${day}`} className="divide-y divide-line">
                {list.map((s) => (
                  <SessionRow key={s.id} s={s} timeZone={data.timezone} />
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </Section>
  );
}

export default function TodayPage() {
  const today = useToday();
  const me = useMe();
  const d = today.data;
  const firstName = me.data?.user.displayName.split(' ')[0];
  const dateText = d
    ? new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${d.date}T12:00:00Z`))
    : undefined;
  return (
    <div className="mx-auto max-w-6xl space-y-4">
      <PageHeader title="Today" subtitle={dateText ? `${firstName ? `Hello ${firstName}. ` : ''}${dateText}` : undefined}>
        <LogClassButton />
      </PageHeader>
      <ErrorNotice error={today.error} title="Today could not be loaded" onRetry={() => void today.refetch()} />
      {today.isPending && (
        <div className="flex justify-center py-10 text-muted">
          <Spinner label="Loading today" size={24} />
        </div>
      )}
      {d && (
        <>
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Figure n={d.reconnect.dueCount} label="to reconnect with" href="/contacts?reconnect=due" testId="today-due" />
            <Figure n={d.reconnect.neverCount} label="never contacted" href="/contacts?reconnect=never" testId="today-never" />
            <Figure n={d.tasks.overdueCount} label="overdue tasks" href="/tasks?due=overdue" testId="today-overdue" />
            <Figure n={d.tasks.dueTodayCount} label="tasks due today" href="/tasks?due=today" testId="today-due-today" />
          </div>
          <div className="grid gap-4 lg:grid-cols-[3fr_2fr]">
            <div className="space-y-4">
              <Sessions data={d} />
              <Section title="Reconnect with" count={d.reconnect.dueCount} href="/contacts?reconnect=due">
                {d.reconnect.due.length === 0 ? (
                  <p className="text-sm text-muted">Everyone is within their rhythm. Nicely done.</p>
                ) : (
                  <ReconnectList people={d.reconnect.due} group="due" label="Clients to reconnect with" />
                )}
              </Section>
              {d.reconnect.neverCount > 0 && (
                <Section title="Never contacted" count={d.reconnect.neverCount} href="/contacts?reconnect=never">
                  <ReconnectList people={d.reconnect.never} group="never" label="Never contacted" />
                </Section>
              )}
              {d.reconnect.inactiveCount > 0 && (
                <Section title="Inactive clients" count={d.reconnect.inactiveCount} href="/contacts?reconnect=inactive">
                  <ReconnectList people={d.reconnect.inactive} group="inactive" label="Inactive clients" />
                </Section>
              )}
            </div>
            <div className="space-y-4">
              <Section title="Birthdays this week">
                {d.birthdays.length === 0 && <p className="text-sm text-muted">No birthdays in the next 7 days.</p>}
                <ul aria-label="Birthdays" className="space-y-1 text-sm">
                  {d.birthdays.map((b) => (
                    <li key={b.contactId} className="flex justify-between gap-2">
                      <Link href={`/contacts/${b.contactId}`} className="min-w-0 truncate font-medium hover:underline">
                        {b.name}
                      </Link>
                      <span className="shrink-0 text-muted">
                        {b.age ? `turns ${b.age} ` : ''}
                        {b.daysAway === 0 ? 'today' : b.daysAway === 1 ? 'tomorrow' : `in ${b.daysAway} days`}
                      </span>
                    </li>
                  ))}
                </ul>
              </Section>
              <Section title="Overdue tasks" count={d.tasks.overdueCount} href="/tasks?due=overdue">
                {d.tasks.overdueCount === 0 && <p className="text-sm text-muted">Nothing overdue.</p>}
                <TaskList tasks={d.tasks.overdue} label="Overdue tasks" timeZone={d.timezone} />
              </Section>
              <Section title="Due today" count={d.tasks.dueTodayCount} href="/tasks?due=today">
                {d.tasks.dueTodayCount === 0 && <p className="text-sm text-muted">Nothing due today.</p>}
                <TaskList tasks={d.tasks.dueToday} label="Tasks due today" timeZone={d.timezone} />
              </Section>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
