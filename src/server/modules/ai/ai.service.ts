import { Counter } from 'prom-client';
import type { AiConfig } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { ListAiPromptsQuery, SentimentRun } from '../../../shared/api/ai.js';
import type { AiRepo, PromptRow, UsageRow } from './ai.repo.js';
import { type AiProvider, InvalidAnswerError, type ModelCall } from './provider.js';
import { createMasker } from './privacy.js';
import { lexiconSentiment, sentimentContract, sentimentMessages } from './sentiment.js';

type Deps = {
  repo: AiRepo;
  provider: AiProvider;
  config: AiConfig;
  cursors: CursorCodec;
  clock: () => Date;
  interactions: { setSentiments(userId: string, scores: Array<{ id: string; score: number }>): Promise<number> };
};

const USAGE_DAYS = 30;

/** Prometheus counters of model calls, tokens and cost (registered by platform/metrics.ts). */
function aiMetrics() {
  return {
    calls: new Counter({
      name: 'ai_calls_total',
      help: 'Model calls by task, model and status',
      labelNames: ['task', 'model', 'status'] as const,
      registers: [],
    }),
    tokens: new Counter({
      name: 'ai_tokens_total',
      help: 'Model tokens by task, model and direction',
      labelNames: ['task', 'model', 'direction'] as const,
      registers: [],
    }),
    cost: new Counter({
      name: 'ai_cost_usd_total',
      help: 'Model cost in USD by task and model',
      labelNames: ['task', 'model'] as const,
      registers: [],
    }),
  };
}

/**
 * The AI engine's use cases: every model call checks the user's budgets first (one statement),
 * only contacts with ai_processing consent reach a prompt (one call to the consent ledger),
 * emails and phone numbers are masked, and every call's usage and every prompt are stored.
 */
export function createAiService({ repo, provider, config, cursors, clock, interactions }: Deps) {
  const metrics = aiMetrics();

  const costOf = (call: ModelCall) => {
    const price = config.prices[call.model];
    return price ? (call.inputTokens * price.input + call.outputTokens * price.output) / 1_000_000 : 0;
  };

  /** Refuses the call (429, nothing sent) when today's or this month's spending reached its budget. */
  async function checkBudget(userId: string): Promise<void> {
    const now = clock();
    const spent = await repo.spent(userId, now);
    if (spent.today >= config.dailyBudgetUsd) {
      const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      throw new AppError(
        'rate_limited',
        `Today's AI budget of $${config.dailyBudgetUsd} is spent; AI calls resume at midnight UTC (AI_DAILY_BUDGET_USD).`,
        { period: 'day', budgetUsd: config.dailyBudgetUsd, spentUsd: spent.today },
        Math.max(1, Math.ceil((midnight - now.getTime()) / 1000)),
      );
    }
    if (spent.month >= config.monthlyBudgetUsd) {
      const nextMonth = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      throw new AppError(
        'rate_limited',
        `This month's AI budget of $${config.monthlyBudgetUsd} is spent; AI calls resume on the 1st (AI_MONTHLY_BUDGET_USD).`,
        { period: 'month', budgetUsd: config.monthlyBudgetUsd, spentUsd: spent.month },
        Math.max(1, Math.ceil((nextMonth - now.getTime()) / 1000)),
      );
    }
  }

  async function record(
    userId: string,
    task: string,
    calls: ModelCall[],
    prompt: Omit<PromptRow, 'answer' | 'status' | 'model'>,
    restore: (s: string) => string,
  ) {
    const usage: UsageRow[] = calls.map((c) => ({
      task,
      model: c.model,
      inputTokens: c.inputTokens,
      outputTokens: c.outputTokens,
      costUsd: costOf(c),
      latencyMs: c.latencyMs,
      cacheHit: false,
      status: c.status,
    }));
    const prompts: PromptRow[] = calls.map((c) => ({ ...prompt, model: c.model, answer: restore(c.answer), status: c.status }));
    await repo.record(userId, clock(), usage, prompts);
    for (const u of usage) {
      metrics.calls.inc({ task, model: u.model, status: u.status });
      metrics.tokens.inc({ task, model: u.model, direction: 'input' }, u.inputTokens);
      metrics.tokens.inc({ task, model: u.model, direction: 'output' }, u.outputTokens);
      metrics.cost.inc({ task, model: u.model }, u.costUsd);
    }
  }

  return {
    metrics: Object.values(metrics),

    /**
     * Scores unscored interactions of consenting contacts, up to 25 per model call; without an
     * API key the local lexicon scores them (no call, no cost, model 'offline').
     */
    async runSentiment(actor: Actor, signal?: AbortSignal): Promise<SentimentRun> {
      const { userId } = actor;
      const rows = await repo.unscoredInteractions(userId, LIMITS.ai.sentimentPerRun);
      const allowed = await repo.allowed(
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
        await repo.record(
          userId,
          clock(),
          [
            {
              task: 'sentiment',
              model: 'offline',
              inputTokens: 0,
              outputTokens: 0,
              costUsd: 0,
              latencyMs: 0,
              cacheHit: false,
              status: 'ok',
            },
          ],
          [],
        );
        return result;
      }
      for (let start = 0; start < items.length; start += LIMITS.ai.sentimentBatch) {
        const batch = items.slice(start, start + LIMITS.ai.sentimentBatch);
        await checkBudget(userId);
        const masker = createMasker();
        const refs = new Map(batch.map((r, i) => [String(i + 1), r.id]));
        const messages = sentimentMessages(
          batch.map((r, i) => ({ ref: String(i + 1), text: masker.mask(`${r.subject}\n${r.content}`.trim().slice(0, 4_000)) })),
        );
        const promptBase = { task: 'sentiment', contactIds: [...new Set(batch.map((r) => r.contact_id))], prompt: messages };
        let answer: { data: { items: Array<{ ref: string; score: number }> }; calls: ModelCall[] };
        try {
          answer = await provider.structured({
            userId,
            model: provider.models.bulk,
            name: 'sentiment',
            contract: sentimentContract,
            messages,
            signal,
          });
        } catch (err) {
          // Refused answers were still paid for: their usage and prompts are kept, no score is written.
          if (err instanceof InvalidAnswerError) await record(userId, 'sentiment', err.calls, promptBase, masker.restore);
          throw err;
        }
        await record(userId, 'sentiment', answer.calls, promptBase, masker.restore);
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
