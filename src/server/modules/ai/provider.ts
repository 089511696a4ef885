import { z } from 'zod';
import type OpenAI from 'openai';
import type { AiConfig } from '../../config.js';
import { AppError } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { fetchThrough } from '../../platform/outbound/fetch-adapter.js';
import { OutboundError } from '../../platform/outbound/outbound-error.js';
import type { createOutboundClient } from '../../platform/outbound/outbound-client.js';
import { FairQueue } from './fair-queue.js';

type OutboundClient = ReturnType<typeof createOutboundClient>;

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** One HTTP call to the model: what it cost and how it ended (a retried answer makes two). */
export type ModelCall = {
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  status: 'ok' | 'invalid';
  answer: string;
};

export type StructuredRequest<T> = {
  userId: string;
  model: string;
  /** The contract's name in the request (letters, digits, _ and -). */
  name: string;
  contract: z.ZodType<T>;
  messages: ChatMessage[];
  signal?: AbortSignal;
};

/** Thrown when the model answered twice with something the contract refuses; `calls` were still paid for. */
export class InvalidAnswerError extends AppError {
  constructor(readonly calls: ModelCall[]) {
    super(
      'unavailable',
      'The AI model answered twice with something that does not fit the expected form; nothing was saved. Try again later.',
    );
  }
}

/**
 * The JSON schema sent as `response_format` for a zod contract, in the form strict structured
 * outputs accept: every object closed (`additionalProperties: false`) with every property required.
 */
export function strictJsonSchema(contract: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...schema } = z.toJSONSchema(contract, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  return schema;
}

/**
 * The model provider: any OpenAI-compatible endpoint through the official SDK, whose requests go
 * through the one outbound client (`llm` provider: timeouts, retries honouring Retry-After, the
 * breaker) with the SDK's own retries off. Calls share one global concurrency bound, fair per user.
 */
export function createAiProvider(deps: { config: AiConfig; outbound: OutboundClient; callTimeoutMs?: number }) {
  const { config } = deps;
  const callTimeoutMs = deps.callTimeoutMs ?? LIMITS.ai.callTimeoutMs;
  const http = deps.outbound.provider('llm', {
    trustedOrigins: [config.baseUrl],
    limits: { callTimeoutMs },
  });
  const queue = new FairQueue(config.concurrency);
  let client: Promise<OpenAI> | undefined;

  /** The SDK is loaded on the first model call, not at start. */
  const sdk = () =>
    (client ??= import('openai').then(
      ({ default: OpenAI }) =>
        new OpenAI({
          baseURL: config.baseUrl,
          apiKey: config.apiKey,
          maxRetries: 0,
          timeout: callTimeoutMs,
          fetch: fetchThrough(http, { retrySafe: true, timeoutMs: callTimeoutMs }),
        }),
    ));

  async function once(req: StructuredRequest<unknown>, messages: ChatMessage[], schema: Record<string, unknown>) {
    const openai = await sdk();
    const started = performance.now();
    try {
      const completion = await openai.chat.completions.create(
        {
          model: req.model,
          messages,
          response_format: { type: 'json_schema', json_schema: { name: req.name, strict: true, schema } },
        },
        { signal: req.signal },
      );
      return {
        text: completion.choices[0]?.message?.content ?? '',
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      throw providerError(err);
    }
  }

  return {
    /** False without an API key: every feature then runs its offline implementation. */
    enabled: !!config.apiKey,
    models: config.models,
    get inFlight() {
      return queue.inFlight;
    },
    /**
     * A structured answer: the contract's JSON schema as `response_format`, the answer parsed and
     * validated on arrival; an invalid one is asked again once with the validation error, then
     * refused (InvalidAnswerError). Returns the value and every call made (for costs).
     */
    async structured<T>(req: StructuredRequest<T>): Promise<{ data: T; calls: ModelCall[] }> {
      const schema = strictJsonSchema(req.contract);
      const calls: ModelCall[] = [];
      let messages = req.messages;
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = await queue.run(req.userId, () => once(req as StructuredRequest<unknown>, messages, schema), req.signal);
        const call: ModelCall = { model: req.model, ...answer, answer: answer.text, status: 'ok' };
        calls.push(call);
        const problem = validate(req.contract, answer.text);
        if (problem.ok) return { data: problem.data, calls };
        call.status = 'invalid';
        messages = [
          ...req.messages,
          { role: 'assistant', content: answer.text.slice(0, 4_000) },
          { role: 'user', content: `That answer is invalid: ${problem.error}. Answer again with JSON that fits the schema exactly.` },
        ];
      }
      throw new InvalidAnswerError(calls);
    },
  };
}
export type AiProvider = ReturnType<typeof createAiProvider>;

function validate<T>(contract: z.ZodType<T>, text: string): { ok: true; data: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'it is not JSON' };
  }
  const parsed = contract.safeParse(json);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, error: z.prettifyError(parsed.error).slice(0, 1_000) };
}

/** What a failed model call means for the caller: a 429 with its wait, or a 503 (never the provider's text). */
function providerError(err: unknown): Error {
  if (err instanceof AppError) return err;
  // The SDK wraps what its fetch threw (APIConnectionError) with the outbound error as its cause.
  const outbound = err instanceof OutboundError ? err : (err as { cause?: unknown })?.cause;
  if (outbound instanceof OutboundError) {
    const err = outbound;
    const seconds = err.retryAfterMs !== undefined ? Math.ceil(err.retryAfterMs / 1000) : undefined;
    if (err.kind === 'circuit_open') {
      return new AppError('unavailable', 'The AI provider is failing; calls are paused for a while. Try again later.', undefined, seconds);
    }
    if (err.kind === 'timeout') return new AppError('unavailable', 'The AI provider did not answer in time. Try again later.');
    return new AppError('unavailable', 'The AI provider could not be reached. Try again later.');
  }
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number') {
    const header = (err as { headers?: Headers }).headers?.get?.('retry-after');
    const seconds = header && /^\d+$/.test(header) ? Number(header) : undefined;
    if (status === 429)
      return new AppError('rate_limited', 'The AI provider is rate limiting this server. Try again later.', undefined, seconds);
    if (status === 401 || status === 403) return new AppError('unavailable', 'The AI provider refused the API key (AI_API_KEY).');
    return new AppError('unavailable', `The AI provider answered with an error (HTTP ${status}). Try again later.`);
  }
  if ((err as { name?: string })?.name === 'AbortError' || (err as { name?: string })?.name === 'APIUserAbortError') return err as Error;
  return new AppError('unavailable', 'The AI provider could not be reached. Try again later.');
}
