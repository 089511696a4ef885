import { useAiUsage } from '../../api/ai.api';
import { ErrorNotice, ProgressBar, Spinner } from '../../components/ui';

const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });
const share = (spent: number, budget: number) => (budget > 0 ? Math.min(1, spent / budget) : 1);

/** Model calls of the last 30 days by feature and model, and what is spent against the daily and monthly budgets. */
export function AiUsageSection() {
  const usage = useAiUsage();
  const u = usage.data;
  return (
    <section aria-labelledby="ai-usage" className="card p-5" data-testid="ai-usage">
      <h2 id="ai-usage" className="text-lg font-semibold">
        AI usage
      </h2>
      <p className="mt-1 text-sm text-muted">
        What AI features cost in the last 30 days. Calls stop with a clear message when a budget is spent, and resume the next day or month.
      </p>
      <div className="mt-4 space-y-4">
        {usage.isPending && <Spinner label="Loading AI usage" />}
        <ErrorNotice error={usage.error} title="AI usage could not be loaded" onRetry={() => void usage.refetch()} />
        {u && !u.enabled && (
          <p className="rounded-lg bg-raised p-3 text-sm" role="status">
            AI is off on this server (no API key): every feature works from your data without a model, at no cost.
          </p>
        )}
        {u && (
          <div className="grid gap-4 sm:grid-cols-2">
            {(
              [
                ['Today', u.spent.todayUsd, u.budget.dailyUsd],
                ['This month', u.spent.monthUsd, u.budget.monthlyUsd],
              ] as const
            ).map(([label, spent, budget]) => (
              <div key={label}>
                <p className="text-sm">
                  {label}: {usd.format(spent)} of {usd.format(budget)}
                  {spent >= budget && <strong className="ml-1 text-danger">budget spent</strong>}
                </p>
                <ProgressBar value={share(spent, budget)} label={`${label}: share of the budget spent`} />
              </div>
            ))}
          </div>
        )}
        {u && u.byTask.length > 0 && (
          <table className="w-full text-sm">
            <caption className="sr-only">AI calls by feature, last 30 days</caption>
            <thead className="text-left text-muted">
              <tr>
                <th className="py-1 font-medium">Feature</th>
                <th className="py-1 text-right font-medium">Calls</th>
                <th className="py-1 text-right font-medium">Tokens in / out</th>
                <th className="py-1 text-right font-medium">Cost</th>
              </tr>
            </thead>
            <tbody>
              {u.byTask.map((t) => (
                <tr key={t.task} className="border-t border-line">
                  <td className="py-1 capitalize">{t.task.replace(/[-_]/g, ' ')}</td>
                  <td className="py-1 text-right tabular-nums">{t.calls}</td>
                  <td className="py-1 text-right tabular-nums">
                    {t.inputTokens} / {t.outputTokens}
                  </td>
                  <td className="py-1 text-right tabular-nums">{usd.format(t.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {u && u.byTask.length === 0 && <p className="text-sm text-muted">No AI work in the last 30 days.</p>}
      </div>
    </section>
  );
}
