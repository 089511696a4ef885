import { z } from 'zod';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
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

export type StreamRequest = {
  userId: string;
  model: string;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  onDelta: (text: string) => void;
  signal?: AbortSignal;
};
/** A streamed answer: its text, or the tools it asked for, and what it cost. */
export type StreamedAnswer = {
  text: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
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
  const clients = new Map<boolean, Promise<OpenAI>>();

  /**
   * The SDK is loaded on the first model call, not at start. The streaming client's fetch hands the
   * answer over as it arrives (the timeout then bounds each pause of the stream).
   */
  const sdk = (stream = false) => {
    let client = clients.get(stream);
    if (!client) {
      client = import('openai').then(
        ({ default: OpenAI }) =>
          new OpenAI({
            baseURL: config.baseUrl,
            apiKey: config.apiKey,
            maxRetries: 0,
            timeout: callTimeoutMs,
            fetch: fetchThrough(http, { retrySafe: true, timeoutMs: callTimeoutMs, stream }),
          }),
      );
      clients.set(stream, client);
    }
    return client;
  };

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

  /** One streamed chat completion with tools; `onDelta` gets the answer's text as it arrives. */
  async function streamOnce(req: StreamRequest): Promise<StreamedAnswer> {
    const openai = await sdk(true);
    const started = performance.now();
    const answer: StreamedAnswer = { text: '', toolCalls: [], inputTokens: 0, outputTokens: 0, latencyMs: 0 };
    const calls = new Map<number, { id: string; name: string; arguments: string }>();
    let finished = false;
    try {
      const stream = await openai.chat.completions.create(
        {
          model: req.model,
          messages: req.messages,
          tools: req.tools.length ? req.tools : undefined,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: req.signal },
      );
      for await (const chunk of stream) {
        if (chunk.usage) {
          answer.inputTokens = chunk.usage.prompt_tokens;
          answer.outputTokens = chunk.usage.completion_tokens;
        }
        if (chunk.choices[0]?.finish_reason) finished = true;
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) {
          answer.text += delta.content;
          req.onDelta(delta.content);
        }
        for (const t of delta?.tool_calls ?? []) {
          const call = calls.get(t.index) ?? { id: '', name: '', arguments: '' };
          call.id ||= t.id ?? '';
          call.name += t.function?.name ?? '';
          call.arguments += t.function?.arguments ?? '';
          calls.set(t.index, call);
        }
      }
    } catch (err) {
      throw providerError(err);
    }
    // The SDK ends the iteration quietly on an abort, and a stream may stop without its last chunk.
    req.signal?.throwIfAborted();
    if (!finished) throw new AppError('unavailable', "The AI provider's answer stopped halfway; nothing was saved. Try again.");
    answer.toolCalls = [...calls.values()];
    answer.latencyMs = Math.round(performance.now() - started);
    return answer;
  }

  return {
    /**
     * A streamed chat completion with tools (the assistant), inside the fair concurrency bound for
     * its whole length. Usage comes from the final chunk (`stream_options.include_usage`). A stream
     * that ends early rejects (503); nothing of it should be kept.
     */
    stream: (req: StreamRequest) => queue.run(req.userId, () => streamOnce(req), req.signal),

    /** Speech to text through the provider's OpenAI-compatible `/audio/transcriptions`. */
    async transcribe(req: { userId: string; model: string; audio: Buffer; filename: string; type: string; signal?: AbortSignal }) {
      const openai = await sdk();
      const { toFile } = await import('openai');
      try {
        const file = await toFile(req.audio, req.filename, { type: req.type });
        return await queue.run(
          req.userId,
          async () => (await openai.audio.transcriptions.create({ model: req.model, file }, { signal: req.signal })).text,
          req.signal,
        );
      } catch (err) {
        throw providerError(err);
      }
    },

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
