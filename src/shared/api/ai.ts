import { z } from 'zod';
import { dateOut, dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';

const totals = { calls: z.number().int(), inputTokens: z.number().int(), outputTokens: z.number().int(), costUsd: z.number() };

/** GET /api/ai/usage: the last 30 days of model calls by day, task and model, and the budgets. */
export const aiUsageResponse = z.strictObject({
  /** False when the server has no AI_API_KEY: features run offline, without a model. */
  enabled: z.boolean(),
  budget: z.strictObject({ dailyUsd: z.number(), monthlyUsd: z.number() }),
  spent: z.strictObject({ todayUsd: z.number(), monthUsd: z.number() }),
  byDay: z.array(z.strictObject({ day: dateOut, ...totals })),
  byTask: z.array(z.strictObject({ task: z.string(), ...totals })),
  byModel: z.array(z.strictObject({ model: z.string(), ...totals })),
});
export type AiUsage = z.infer<typeof aiUsageResponse>;

export const listAiPromptsQuery = z.strictObject({ ...pageQueryFields });
export type ListAiPromptsQuery = z.infer<typeof listAiPromptsQuery>;

/** One prompt as sent (emails and phones already replaced by placeholders) and the answer received. */
export const aiPromptResponse = z.strictObject({
  id: z.uuid(),
  task: z.string(),
  model: z.string(),
  contactIds: z.array(z.uuid()),
  prompt: z.array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })),
  answer: z.string(),
  /** ok, or invalid when the answer did not fit the contract (nothing was saved from it). */
  status: z.enum(['ok', 'invalid']),
  createdAt: dateTimeOut,
});
export const aiPromptPageResponse = z.strictObject({ items: z.array(aiPromptResponse), nextCursor: z.string().nullable() });
export type AiPrompt = z.infer<typeof aiPromptResponse>;

/** POST /api/ai/sentiment/run: what one run scored. */
export const sentimentRunResponse = z.strictObject({
  scored: z.number().int(),
  /** Unscored interactions left out because their contact has no ai_processing consent. */
  skippedWithoutConsent: z.number().int(),
  /** Interactions still waiting (the run takes a bounded number); run again for more. */
  remaining: z.boolean(),
  /** The model used, or 'offline' when the local lexicon scored them (no AI_API_KEY). */
  model: z.string(),
  madeWithoutModel: z.boolean(),
});
export type SentimentRun = z.infer<typeof sentimentRunResponse>;
