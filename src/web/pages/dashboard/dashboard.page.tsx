import { FEATURES } from '../../lib/features';
import { Link } from 'wouter';
import { useDashboard, useReconnect } from '../../api/dashboard.api';
import { overdueFilters, useTasks } from '../../api/tasks.api';
import { useMe } from '../../api/auth.api';
import { Avatar, StageBadge } from '../../components/contact-bits';
import { TaskRow } from '../../components/task-row';
import { ErrorNotice, PageHeader, Spinner } from '../../components/ui';
import { formatDate, plural } from '../../lib/format';
import { StageBars, WeeklyBars } from './charts';
import { UpcomingSessions } from './upcoming-sessions';

function Change({ now, before, unit }: { now: number; before: number; unit: string }) {
  const diff = now - before;
  // "Last week" means up to this weekday and hour of last week, so a Monday morning is not judged against a whole week.
  const text = diff === 0 ? 'Same as this time last week' : `${diff > 0 ? '+' : '−'}${Math.abs(diff)} ${unit} vs this time last week`;
  return <p className={`text-xs ${diff > 0 ? 'text-ok' : diff < 0 ? 'text-warn' : 'text-muted'}`}>{text}</p>;
}

function Stat({ label, value, children, testId }: { label: string; value: string; children?: React.ReactNode; testId?: string }) {
  return (
    <div className="card p-4" data-testid={testId}>
      <p className="text-sm text-muted">{label}</p>
      <p className="mt-1 text-3xl font-semibold tabular-nums tracking-tight">{value}</p>
      {children}
    </div>
  );
}

function Panel({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="card p-4">
      <div className="mb-3 flex items-center justify-between gap-2">
        <h2 id={id} className="font-semibold">
          {title}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

export default function DashboardPage() {
  const stats = useDashboard();
  const reconnect = useReconnect();
  const overdue = useTasks(overdueFilters());
  const me = useMe();
  const s = stats.data;
  const weeks = s?.interactionsPerWeek ?? [];
  const thisWeek = weeks[weeks.length - 1]?.count ?? 0;
  const lastWeek = s?.interactionsLastWeekToDate ?? 0;
  const firstName = me.data?.user.displayName.split(' ')[0];

  return (
    <div className="mx-auto max-w-6xl space-y-4">
      <PageHeader
        title="Dashboard"
        subtitle={firstName ? `Welcome back, ${firstName}. Here is your practice at a glance.` : 'Your practice at a glance.'}
      />
      <ErrorNotice error={stats.error} title="The statistics could not be loaded" onRetry={() => void stats.refetch()} />
      {stats.isPending && (
        <div className="flex justify-center py-10 text-muted">
          <Spinner label="Loading statistics" size={24} />
        </div>
      )}
      {s && (
        <>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Stat label="Contacts" value={s.totalContacts.toLocaleString()} testId="stat-contacts" />
            <Stat label="Sessions this week" value={String(s.sessionsThisWeek)} testId="stat-sessions">
              <Change
                now={s.sessionsThisWeek}
                before={s.sessionsLastWeekToDate}
                unit={Math.abs(s.sessionsThisWeek - s.sessionsLastWeekToDate) === 1 ? 'session' : 'sessions'}
              />
            </Stat>
            <Stat label="Interactions this week" value={String(thisWeek)} testId="stat-interactions">
              <Change now={thisWeek} before={lastWeek} unit={Math.abs(thisWeek - lastWeek) === 1 ? 'interaction' : 'interactions'} />
            </Stat>
            <Stat label="Goals achieved this month" value={String(s.goalsAchievedThisMonth)} testId="stat-goals" />
            <Stat label="Follow-ups due" value={String(s.followUpsDue)} testId="stat-followups" />
            <Stat label="Overdue tasks" value={String(s.overdueTasks)} testId="stat-overdue" />
            {FEATURES.gmail && (
              <Stat
                label="Email response rate"
                value={s.responseRate.value === null ? '—' : `${Math.round(s.responseRate.value * 100)}%`}
                testId="stat-response"
              >
                {s.responseRate.reason && <p className="text-xs text-muted">{s.responseRate.reason}</p>}
              </Stat>
            )}
          </div>
          <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
            <Panel title="Interactions per week">
              <WeeklyBars weeks={weeks} />
            </Panel>
            <Panel title="Clients by stage">
              <StageBars byStage={s.clientsByStage} />
            </Panel>
          </div>
          <Panel title="Upcoming sessions">
            <UpcomingSessions sessions={s.upcomingSessions} timeZone={me.data?.user.timezone} />
          </Panel>
        </>
      )}
      <div className="grid gap-4 lg:grid-cols-3">
        <Panel
          title="Reconnect with"
          action={
            <Link href="/contacts" className="text-sm text-brand-ink underline">
              All contacts
            </Link>
          }
        >
          {reconnect.isPending && <Spinner label="Loading" />}
          <ErrorNotice error={reconnect.error} title="The reconnect list could not be loaded" />
          {reconnect.data?.items.length === 0 && (
            <p className="text-sm text-muted">Everyone is within their keep-in-touch cadence. Nicely done.</p>
          )}
          <ul className="space-y-2" aria-label="Clients to reconnect with">
            {reconnect.data?.items.map((r) => (
              <li key={r.contact.id} className="flex items-center gap-3">
                <Avatar name={r.contact.name} photoUrl={r.contact.photoUrl} size={32} />
                <div className="min-w-0 flex-1">
                  <Link href={`/contacts/${r.contact.id}?tab=timeline`} className="block truncate text-sm font-medium hover:underline">
                    {r.contact.name}
                  </Link>
                  <p className="text-xs text-muted">
                    {plural(r.overdueDays, 'day')} overdue · every {r.cadenceDays} days
                  </p>
                </div>
                <StageBadge stage={r.contact.lifecycleStage} />
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title="Upcoming dates">
          {s?.upcomingDates.length === 0 && <p className="text-sm text-muted">No birthdays or important dates in the coming weeks.</p>}
          <ul className="space-y-2" aria-label="Upcoming birthdays and dates">
            {s?.upcomingDates.map((d) => (
              <li key={`${d.contactId}-${d.label}-${d.date}`} className="flex items-center justify-between gap-2 text-sm">
                <span className="min-w-0">
                  <Link href={`/contacts/${d.contactId}`} className="font-medium hover:underline">
                    {d.name}
                  </Link>{' '}
                  <span className="text-muted">· {d.label}</span>
                </span>
                <span className="shrink-0 text-muted">
                  {d.daysAway === 0 ? 'Today' : d.daysAway === 1 ? 'Tomorrow' : formatDate(d.date)}
                </span>
              </li>
            ))}
          </ul>
        </Panel>
        <Panel
          title="Overdue tasks"
          action={
            <Link href="/tasks" className="text-sm text-brand-ink underline">
              All tasks
            </Link>
          }
        >
          {overdue.isPending && <Spinner label="Loading" />}
          <ErrorNotice error={overdue.error} title="Tasks could not be loaded" />
          {overdue.data?.items.length === 0 && <p className="text-sm text-muted">Nothing overdue.</p>}
          <ul className="space-y-2" aria-label="Overdue tasks">
            {overdue.data?.items.map((t) => (
              <li key={t.id}>
                <TaskRow task={t} />
              </li>
            ))}
          </ul>
        </Panel>
      </div>
    </div>
  );
}
