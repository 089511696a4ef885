import { AppError, notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { Insight } from '../../../shared/api/insights.js';
import type { AiEngine } from './engine.js';
import { citableRecords, citeAnswer, type InsightContent, insightsContract, insightsMessages } from './insights.contract.js';
import { localInsights } from './insights-local.js';
import type { CachedInsight, InsightsRepo } from './insights.repo.js';

type Deps = { engine: AiEngine; repo: InsightsRepo; clock: () => Date; onChange: (userId: string) => Promise<void> };

const DAY_MS = 86_400_000;

const noConsent = () =>
  new AppError(
    'conflict',
    'This contact has not given consent to AI processing. Record their consent on the Consent tab, then generate insights.',
    { purpose: 'ai_processing' },
  );

/** The contact must be the user's (404) and consent to AI processing (409), whatever is cached. */
function checked(row: CachedInsight | undefined): CachedInsight {
  if (!row) throw notFound('Contact');
  if (!row.consent) throw noConsent();
  return row;
}

function present(contactId: string, model: string, generatedAt: string, content: InsightContent, stale: boolean): Insight {
  return { contactId, model, madeWithoutModel: model === 'offline', generatedAt, stale, ...content };
}

/**
 * Contact insights (issue 14): a summary, the engagement trend, risks, next steps and when to meet
 * next, each statement citing the timeline entries, goals and tasks it came from. Cached per
 * contact under a fingerprint of those records (insights.repo.ts): a cached answer is one
 * statement; any change to the contact or its records makes it stale. Private notes never enter a
 * prompt; without an API key the insights are assembled from the data (insights-local.ts).
 */
export function createInsightsService({ engine, repo, clock, onChange }: Deps) {
  const currentModel = () => (engine.enabled ? engine.provider.models.smart : 'offline');

  return {
    /** GET: the stored insights, with `stale` when the records changed since; 404 when none were made. */
    async get(actor: Actor, contactId: string): Promise<Insight> {
      const row = checked(await repo.cached(actor.userId, contactId));
      if (!row.content || !row.model || !row.created_at)
        throw new AppError('not_found', 'No insights for this contact yet. Generate them first.');
      return present(contactId, row.model, row.created_at, row.content as InsightContent, !row.fresh);
    },

    /** POST: the cached insights when nothing changed (no call), otherwise new ones from the model or the data. */
    async generate(actor: Actor, contactId: string, signal?: AbortSignal): Promise<Insight> {
      const { userId } = actor;
      const cached = checked(await repo.cached(userId, contactId));
      if (cached.content && cached.fresh && cached.model === currentModel() && cached.created_at) {
        await engine.recordLocal(userId, 'insights', { cacheHit: true });
        return present(contactId, cached.model, cached.created_at, cached.content as InsightContent, false);
      }
      const now = clock();
      const input = await repo.input(userId, contactId, now);
      if (!input) throw notFound('Contact');
      const refs = citableRecords(input);
      const dateIn = (days: number) => new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
      let model = 'offline';
      let answer = localInsights(input, now);
      if (engine.enabled && refs.size > 0) {
        // The one question to the consent ledger before the contact's data reaches a prompt.
        const allowed = await engine.allowed(userId, [contactId]);
        if (!allowed.has(contactId)) throw noConsent();
        const asked = await engine.ask({
          userId,
          task: 'insights',
          tier: 'smart',
          name: 'insights',
          contract: insightsContract,
          contactIds: [contactId],
          build: (mask) => insightsMessages(input, now.toISOString().slice(0, 10), mask),
          signal,
        });
        answer = asked.data;
        model = engine.provider.models.smart;
      } else {
        if (!input.consent) throw noConsent();
        await engine.recordLocal(userId, 'insights');
      }
      const content = citeAnswer(answer, refs, dateIn);
      await repo.store(userId, contactId, input.fingerprint, model, content, now);
      await onChange(userId);
      return present(contactId, model, now.toISOString(), content, false);
    },
  };
}
