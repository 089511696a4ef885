import { useState } from 'react';
import { Link, useLocation, useParams, useSearch } from 'wouter';
import { ApiError } from '../../api/api-client';
import { useContact } from '../../api/contacts.api';
import { Avatar, StageBadge, TagChip } from '../../components/contact-bits';
import { Icon } from '../../components/icons';
import { EmptyState, ErrorNotice, Spinner } from '../../components/ui';
import { formatRelative } from '../../lib/format';
import { ContactGoals } from './contact-goals';
import { ContactOverview } from './contact-overview';
import { ContactInsights } from './contact-insights';
import { FEATURES } from '../../lib/features';
import { ContactPhotos } from './contact-photos';
import { ContactTasks } from './contact-tasks';
import { ContactTimeline } from './contact-timeline';
import { ContactConsents } from './contact-consents';
import { ContactDocuments } from './contact-documents';
import { DeleteContact } from './delete-contact';
import { contactExportUrl } from '../../api/privacy.api';
import { useLogSession } from '../../api/today.api';
import { useToast } from '../../app/toasts';
import { ReachLinks } from '../../components/reach-links';
import { exportUrl } from '../../api/imports.api';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'timeline', label: 'Timeline' },
  { id: 'goals', label: 'Goals' },
  { id: 'tasks', label: 'Tasks' },
  { id: 'photos', label: 'Photos' },
  { id: 'documents', label: 'Documents' },
  { id: 'consent', label: 'Consent' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export default function ContactPage() {
  const { id = '' } = useParams<{ id: string }>();
  const contact = useContact(id);
  const search = useSearch();
  const [, navigate] = useLocation();
  const [isDeleting, setDeleting] = useState(false);
  const logSession = useLogSession();
  const toast = useToast();
  const requested = new URLSearchParams(search).get('tab');
  const tab: TabId = TABS.some((t) => t.id === requested) ? (requested as TabId) : 'overview';
  const selectTab = (t: TabId) => navigate(`/contacts/${id}${t === 'overview' ? '' : `?tab=${t}`}`, { replace: true });

  if (contact.isPending) {
    return (
      <div className="flex justify-center py-16 text-muted">
        <Spinner label="Loading contact" size={24} />
      </div>
    );
  }
  if (contact.error instanceof ApiError && contact.error.status === 404) {
    return (
      <EmptyState
        title="This contact does not exist"
        action={
          <Link href="/contacts" className="btn-primary">
            Back to contacts
          </Link>
        }
      >
        It may have been deleted, or the link is wrong.
      </EmptyState>
    );
  }
  if (!contact.data)
    return <ErrorNotice error={contact.error} title="The contact could not be loaded" onRetry={() => void contact.refetch()} />;
  const c = contact.data;
  const counts: Partial<Record<TabId, number>> = { timeline: c.counts.interactions, goals: c.counts.goals, tasks: c.counts.openTasks };

  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/contacts" className="mb-3 inline-flex items-center gap-1 rounded text-sm text-muted hover:text-ink">
        ← All contacts
      </Link>
      <header className="card mb-4 flex flex-wrap items-center gap-4 p-4">
        <Avatar name={c.name} photoUrl={c.photoUrl} size={64} />
        <div className="min-w-0 flex-1">
          <h1 className="break-words text-2xl font-semibold tracking-tight" data-testid="contact-name">
            {c.name}
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-muted">
            <StageBadge stage={c.lifecycleStage} />
            <span>Last contact {formatRelative(c.lastContactAt).toLowerCase()}</span>
            {c.tags.map((t) => (
              <TagChip key={t.id} tag={t} />
            ))}
          </div>
        </div>
        <div className="flex items-center gap-1">
          <ReachLinks name={c.name} phone={c.phones[0] ?? null} email={c.emails[0] ?? null} />
        </div>
        <button
          type="button"
          className="btn-primary"
          disabled={logSession.isPending}
          onClick={() =>
            logSession.mutate(c.id, { onSuccess: () => toast.success(`Session with ${c.name} logged.`), onError: toast.error })
          }
        >
          Log session
        </button>
        <a className="btn-secondary" href={contactExportUrl(c.id)} download title={`Everything kept about ${c.name}, as a ZIP`}>
          Export data
        </a>
        <a className="btn-secondary" href={exportUrl('vcf', { ids: [c.id] })} download>
          Export vCard
        </a>
        <button type="button" className="btn-secondary" onClick={() => setDeleting(true)}>
          <Icon name="trash" size={16} /> Delete
        </button>
      </header>
      <div role="tablist" aria-label="Contact sections" className="mb-4 flex gap-1 overflow-x-auto border-b border-line">
        {TABS.map((t) => (
          <button
            key={t.id}
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => selectTab(t.id)}
            onKeyDown={(e) => {
              const i = TABS.findIndex((x) => x.id === tab);
              const next =
                e.key === 'ArrowRight'
                  ? TABS[(i + 1) % TABS.length]
                  : e.key === 'ArrowLeft'
                    ? TABS[(i - 1 + TABS.length) % TABS.length]
                    : undefined;
              if (next) {
                selectTab(next.id);
                document.getElementById(`tab-${next.id}`)?.focus();
              }
            }}
            className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${tab === t.id ? 'border-brand-strong text-ink' : 'border-transparent text-muted hover:text-ink'}`}
          >
            {t.label}
            {counts[t.id] ? <span className="ml-1.5 rounded-full bg-raised px-1.5 text-xs">{counts[t.id]}</span> : null}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'overview' && FEATURES.ai && <ContactInsights contact={c} />}
        {tab === 'overview' && <ContactOverview contact={c} />}
        {tab === 'timeline' && <ContactTimeline contactId={c.id} />}
        {tab === 'goals' && <ContactGoals contactId={c.id} />}
        {tab === 'tasks' && <ContactTasks contactId={c.id} />}
        {tab === 'photos' && <ContactPhotos contact={c} />}
        {tab === 'documents' && <ContactDocuments contactId={c.id} />}
        {tab === 'consent' && <ContactConsents contactId={c.id} />}
      </div>
      <DeleteContact contactId={c.id} open={isDeleting} onClose={() => setDeleting(false)} />
    </div>
  );
}
