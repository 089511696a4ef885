import { LIMITS } from '../../platform/limits.js';
import { chunksOf } from '../../platform/chunks.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { ListAiPromptsQuery, SentimentRun } from '../../../shared/api/ai.js';
import type { AiRepo } from './ai.repo.js';
import type { AiEngine } from './engine.js';
import { lexiconSentiment, sentimentContract, sentimentMessages } from './sentiment.js';

type Deps = {
  engine: AiEngine;
  repo: AiRepo;
  cursors: CursorCodec;
  clock: () => Date;
  interactions: { setSentiments(userId: string, scores: Array<{ id: string; score: number }>): Promise<number> };
};

const USAGE_DAYS = 30;

/**
 * The AI engine's use cases. Each asks through the shared engine (engine.ts): budgets first, only
 * contacts with ai_processing consent in a prompt (one call to the consent ledger), emails and
 * phone numbers masked, every call's usage and prompt stored.
 */
export function createAiService({ engine, repo, cursors, clock, interactions }: Deps) {
  const { provider, config } = engine;
  return {
    metrics: engine.metrics,

    /**
     * Scores unscored interactions of consenting contacts, up to 25 per model call; without an
     * API key the local lexicon scores them (no call, no cost, model 'offline').
     */
    async runSentiment(actor: Actor, signal?: AbortSignal): Promise<SentimentRun> {
      const { userId } = actor;
      const rows = await repo.unscoredInteractions(userId, LIMITS.ai.sentimentPerRun);
      const allowed = await engine.allowed(
        userId,
        rows.map((r) => r.contact_id),
      );
      const items = rows.filter((r) => allowed.has(r.contact_id));
      const result = {
        scored: 0,
        skippedWithoutConsent: rows.length - items.length,
        remaining: rows.length === LIMITS.ai.sentimentPerRun,
        model: provider.enabled ? provider.models.bulk : 'offline',
        madeWithoutModel: !provider.enabled,
      };
      if (!items.length) return result;
      if (!provider.enabled) {
        const scores = items.map((r) => ({ id: r.id, score: lexiconSentiment(`${r.subject}\n${r.content}`).score }));
        result.scored = await interactions.setSentiments(userId, scores);
        await engine.recordLocal(userId, 'sentiment');
        return result;
      }
      for (const batch of chunksOf(items, LIMITS.ai.sentimentBatch)) {
        const refs = new Map(batch.map((r, i) => [String(i + 1), r.id]));
        const answer = await engine.ask({
          userId,
          task: 'sentiment',
          tier: 'bulk',
          name: 'sentiment',
          contract: sentimentContract,
          contactIds: [...new Set(batch.map((r) => r.contact_id))],
          build: (mask) =>
            sentimentMessages(
              batch.map((r, i) => ({ ref: String(i + 1), text: mask(`${r.subject}\n${r.content}`.trim().slice(0, 4_000)) })),
            ),
          signal,
        });
        const scores = answer.data.items.flatMap((i) => {
          const id = refs.get(i.ref);
          return id ? [{ id, score: i.score }] : [];
        });
        result.scored += await interactions.setSentiments(userId, scores);
      }
      return result;
    },

    /** Totals of the last 30 days by day, task and model, with the budgets and what is spent; JSON text. */
    async usage(actor: Actor): Promise<string> {
      const now = clock();
      const [totals, spent] = await Promise.all([repo.usage(actor.userId, now, USAGE_DAYS), repo.spent(actor.userId, now)]);
      const head = JSON.stringify({
        enabled: provider.enabled,
        budget: { dailyUsd: config.dailyBudgetUsd, monthlyUsd: config.monthlyBudgetUsd },
        spent: { todayUsd: spent.today, monthUsd: spent.month },
      });
      return `${head.slice(0, -1)},${totals.slice(1)}`;
    },

    /** The prompts sent for this user and their answers, newest first; JSON text. */
    async prompts(actor: Actor, query: ListAiPromptsQuery): Promise<string> {
      const scope = 'ai:prompts';
      const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
      const rows = await repo.promptsPage(actor.userId, query.limit, after);
      return cursors.jsonPage(scope, rows, query.limit);
    },
  };
}
