import { Counter } from 'prom-client';
import type { z } from 'zod';
import type { AiConfig } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import type { AiRepo, PromptRow, UsageRow } from './ai.repo.js';
import { type AiProvider, type ChatMessage, InvalidAnswerError, type ModelCall } from './provider.js';
import { createMasker } from './privacy.js';

export type AiEngineDeps = {
  repo: AiRepo;
  provider: AiProvider;
  config: AiConfig;
  clock: () => Date;
  /** After usage is recorded: the cached AI usage page (settings) is read anew. */
  onChange: (userId: string) => Promise<void>;
};

/** One structured question to the model, as every AI feature asks it (see `engine.ask`). */
export type AskRequest<T> = {
  userId: string;
  /** The feature asking: usage, prompts and metrics are kept per task. */
  task: string;
  /** 'bulk' (cheap: sentiment, classification) or 'strong' (insights, assistant): AI_MODEL_BULK / AI_MODEL_SMART. */
  tier: 'bulk' | 'smart';
  /** The contract's name in the request (letters, digits, _ and -). */
  name: string;
  contract: z.ZodType<T>;
  /** The contacts whose data the prompt holds (already checked with `allowed`); kept with the prompt. */
  contactIds: string[];
  /** Builds the messages; every piece of client text must pass through `mask` first. */
  build: (mask: (text: string) => string) => ChatMessage[];
  signal?: AbortSignal;
};

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

/** Puts emails and phone numbers back into every string of a structured answer. */
function restoreDeep<T>(value: T, restore: (s: string) => string): T {
  if (typeof value === 'string') return restore(value) as T;
  if (Array.isArray(value)) return value.map((v) => restoreDeep(v, restore)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreDeep(v, restore)])) as T;
  }
  return value;
}

/**
 * What every AI feature shares, so each feature is only its prompt and its contract: the budget
 * check before a call (one statement), masking of emails and phone numbers, the structured call
 * through the provider (bounded, fair, retried once on an invalid answer), and the record of usage
 * and prompt of every call, paid-for refusals included. Consent is the caller's first step:
 * `allowed(userId, contactIds)` is one call to the ledger.
 */
export function createAiEngine({ repo, provider, config, clock, onChange }: AiEngineDeps) {
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
    await onChange(userId);
    for (const u of usage) {
      metrics.calls.inc({ task, model: u.model, status: u.status });
      metrics.tokens.inc({ task, model: u.model, direction: 'input' }, u.inputTokens);
      metrics.tokens.inc({ task, model: u.model, direction: 'output' }, u.outputTokens);
      metrics.cost.inc({ task, model: u.model }, u.costUsd);
    }
  }

  return {
    metrics: Object.values(metrics),
    provider,
    config,
    /** Whether a model is configured; without one every feature answers through its local implementation. */
    get enabled() {
      return provider.enabled;
    },
    checkBudget,
    record,

    /** The contacts among `ids` whose ai_processing consent allows a prompt: one call to the ledger. */
    allowed: (userId: string, ids: readonly string[]) => repo.allowed(userId, ids),

    /** Usage of work done without a model (offline mode or a cache hit): no tokens, no cost. */
    async recordLocal(userId: string, task: string, how: { cacheHit?: boolean } = {}) {
      const row: UsageRow = {
        task,
        model: how.cacheHit ? 'cache' : 'offline',
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        latencyMs: 0,
        cacheHit: how.cacheHit ?? false,
        status: 'ok',
      };
      await repo.record(userId, clock(), [row], []);
      await onChange(userId);
    },

    /**
     * Asks the model one structured question: budget first, client text masked, the answer
     * validated against the contract and its emails and phone numbers restored. Usage and the
     * prompt are stored whatever the outcome; an answer refused twice throws InvalidAnswerError.
     */
    async ask<T>(req: AskRequest<T>): Promise<{ data: T; calls: ModelCall[] }> {
      await checkBudget(req.userId);
      const masker = createMasker();
      const messages = req.build((text) => masker.mask(text));
      const promptBase = { task: req.task, contactIds: req.contactIds, prompt: messages };
      const model = provider.models[req.tier];
      try {
        const answer = await provider.structured({
          userId: req.userId,
          model,
          name: req.name,
          contract: req.contract,
          messages,
          signal: req.signal,
        });
        await record(req.userId, req.task, answer.calls, promptBase, masker.restore);
        return { data: restoreDeep(answer.data, masker.restore), calls: answer.calls };
      } catch (err) {
        // Refused answers were still paid for: their usage and prompts are kept, nothing else is written.
        if (err instanceof InvalidAnswerError) await record(req.userId, req.task, err.calls, promptBase, masker.restore);
        throw err;
      }
    },
  };
}
export type AiEngine = ReturnType<typeof createAiEngine>;
