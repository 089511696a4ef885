import { Link } from 'wouter';
import { ApiError } from '../../api/api-client';
import { useGenerateInsight, useInsight } from '../../api/ai.api';
import type { Insight, InsightCitation, InsightStatement } from '../../../shared/api/insights';
import type { ContactDetail } from '../../../shared/api/contacts';
import { recordHref } from '../../components/record-item';
import { Busy, ErrorNotice, Spinner } from '../../components/ui';
import { formatDate, formatRelative } from '../../lib/format';

const TAB_OF = { interaction: 'timeline', goal: 'goals', task: 'tasks' } as const;
const TREND_LABEL: Record<Insight['engagement']['trend'], string> = {
  rising: 'Rising',
  steady: 'Steady',
  declining: 'Declining',
  unknown: 'Not enough data',
};

function Citations({ contactId, citations }: { contactId: string; citations: InsightCitation[] }) {
  if (!citations.length) return null;
  return (
    <span className="ml-1 inline-flex flex-wrap gap-1 align-baseline">
      {citations.map((c) => (
        <Link
          key={`${c.kind}:${c.id}`}
          href={recordHref(contactId, TAB_OF[c.kind], c.id)}
          className="rounded bg-raised px-1.5 text-xs text-brand-ink underline-offset-2 hover:underline"
          data-citation={c.id}
        >
          {c.label}
        </Link>
      ))}
    </span>
  );
}

function Statements({ title, items, contactId }: { title: string; items: InsightStatement[]; contactId: string }) {
  if (!items.length) return null;
  return (
    <div>
      <h3 className="text-sm font-semibold">{title}</h3>
      <ul className="mt-1 list-disc space-y-1 pl-5 text-sm">
        {items.map((s) => (
          <li key={s.text}>
            {s.text}
            <Citations contactId={contactId} citations={s.citations} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Why there is nothing to show: no consent, or nothing generated yet. */
function NoInsight({ noConsent }: { noConsent: boolean }) {
  if (noConsent) {
    return (
      <p className="text-sm text-muted" role="status">
        This client has not given consent to AI processing, so no insights are made.{' '}
        <Link href="?tab=consent" className="underline">
          Record their consent
        </Link>{' '}
        first.
      </p>
    );
  }
  return (
    <p className="text-sm text-muted">
      No insights yet. Generate them from this client’s timeline, goals and tasks; private notes are never included.
    </p>
  );
}

/**
 * The insights panel of the contact page: generate or refresh, every statement with links to the
 * records it cites, a badge when they were made without a model, and a clear state when consent is
 * missing or the budget is spent.
 */
export function ContactInsights({ contact }: { contact: Pick<ContactDetail, 'id' | 'hasAiConsent' | 'counts'> }) {
  const contactId = contact.id;
  const insight = useInsight(contactId, contact.hasAiConsent && contact.counts.insights > 0);
  const generate = useGenerateInsight(contactId);
  const data = insight.data;
  const noConsent = !contact.hasAiConsent || (insight.error instanceof ApiError && insight.error.status === 409);
  const isLoading = insight.isLoading;
  return (
    <section aria-labelledby="insights-title" className="card mb-4 space-y-3 p-4" data-testid="insights-panel">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="insights-title" className="font-semibold">
          Insights
        </h2>
        {data?.madeWithoutModel && (
          <span
            className="rounded-full bg-raised px-2 py-0.5 text-xs text-muted"
            title="AI is off on this server, or there was nothing to send"
          >
            Made without a model
          </span>
        )}
        {data && (
          <span className="text-xs text-muted">
            {data.stale ? 'Out of date: the records changed since' : `Made ${formatRelative(data.generatedAt).toLowerCase()}`}
          </span>
        )}
        <button
          type="button"
          className="btn-secondary ml-auto py-1"
          disabled={generate.isPending || noConsent || isLoading}
          onClick={() => generate.mutate()}
        >
          <Busy isBusy={generate.isPending} busyText="Generating…">
            {data ? 'Refresh insights' : 'Generate insights'}
          </Busy>
        </button>
      </div>
      {isLoading && <Spinner label="Loading insights" />}
      {!isLoading && !data && <NoInsight noConsent={noConsent} />}
      {!noConsent && <ErrorNotice error={insight.error} title="Insights could not be loaded" onRetry={() => void insight.refetch()} />}
      <ErrorNotice
        error={generate.error}
        title={
          generate.error instanceof ApiError && generate.error.status === 429 ? 'The AI budget is spent' : 'Insights were not generated'
        }
      />
      {data && (
        <div className="space-y-3">
          <Statements title="Summary" items={data.summary} contactId={contactId} />
          <div>
            <h3 className="text-sm font-semibold">Engagement: {TREND_LABEL[data.engagement.trend]}</h3>
            <p className="mt-1 text-sm">
              {data.engagement.text}
              <Citations contactId={contactId} citations={data.engagement.citations} />
            </p>
          </div>
          <Statements title="Risks" items={data.risks} contactId={contactId} />
          <Statements title="Next steps" items={data.nextSteps} contactId={contactId} />
          <div>
            <h3 className="text-sm font-semibold">Next session: by {formatDate(data.nextSession.date)}</h3>
            <p className="mt-1 text-sm">
              {data.nextSession.text}
              <Citations contactId={contactId} citations={data.nextSession.citations} />
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
