import { type FakeServer, type RecordedRequest, startFakeServer } from './fake-server.js';

/**
 * A fake OpenAI-compatible provider on the fake-server kit: `POST /chat/completions`, plain, with
 * a `json_schema` response_format, or streamed (`stream: true`: SSE chunks, tool calls derived from
 * the question, then an answer citing the ids the tools returned; `answers/assistant.ts`), and
 * `POST /audio/transcriptions` (a fixed transcript), answering deterministically from the prompt (the `sentiment`
 * contract scores each item from its words; answers per contract name live in `answers/`; any
 * other schema gets a minimal valid value), with
 * usage counted as characters / 4. It records every completion's messages, the peak of requests in
 * progress at once, and the tokens it billed; faults come from the kit (`fake.failNext`) or
 * `malformedNext` (a 200 whose content is not the schema's JSON).
 *
 *   const llm = await startFakeOpenAi();
 *   createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key' });
 */

import { type Completion, FAKE_ANSWERS, type Message, sampleOf } from './answers/index.js';
import { assistantTurn } from './answers/assistant.js';

type WireMessage = { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string };
/** Tool calls' messages have no text: the fake reads (and counts) their calls as text. */
const normalised = (m: WireMessage): Message => ({ role: m.role, content: m.content ?? JSON.stringify(m.tool_calls ?? []) });
const TRANSCRIPT = 'Who has not booked in a month and mentioned sleep?';

const SSE = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
const tokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function answerFor(c: Completion): string {
  const answer = c.schemaName ? FAKE_ANSWERS[c.schemaName] : undefined;
  if (answer) return JSON.stringify(answer(c));
  if (c.schema) return JSON.stringify(sampleOf(c.schema));
  return `You said: ${c.messages.at(-1)?.content.slice(0, 200) ?? ''}`;
}

export type FakeOpenAi = FakeServer & Awaited<ReturnType<typeof extend>>;

async function extend(fake: FakeServer) {
  let active = 0;
  let latencyMs = 0;
  let malformed = 0;
  const streamFaults: Array<{ afterChunks: number; end: 'cut' | 'hang'; at: number }> = [];
  let streamedCount = 0;
  const state = {
    /** Every completion that reached the handler, parsed. */
    completions: [] as Completion[],
    /** Completions answered, the tokens billed in their usage, and the most in progress at one time. */
    billed: { input: 0, output: 0, calls: 0, peak: 0 },
    /** Recordings received by /audio/transcriptions. */
    transcriptions: [] as Array<{ bytes: number; contentType: string }>,
  };

  fake.route('POST', '/chat/completions', async (req: RecordedRequest) => {
    active++;
    state.billed.peak = Math.max(state.billed.peak, active);
    try {
      if (latencyMs) await pause(latencyMs);
      const body = JSON.parse(req.text) as {
        model: string;
        messages: WireMessage[];
        stream?: boolean;
        tools?: unknown[];
        response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } };
      };
      const completion: Completion = {
        model: body.model,
        messages: body.messages.map(normalised),
        schemaName: body.response_format?.json_schema?.name,
        schema: body.response_format?.json_schema?.schema,
      };
      state.completions.push(completion);
      if (body.stream) return streamed(completion, !!body.tools?.length);
      let content = answerFor(completion);
      if (malformed > 0) {
        malformed--;
        content = content.slice(0, Math.max(1, Math.floor(content.length / 2)));
      }
      const input = tokens(completion.messages.reduce((n, m) => n + m.content.length, 0));
      const output = tokens(content.length);
      state.billed.input += input;
      state.billed.output += output;
      state.billed.calls++;
      return {
        json: {
          id: `chatcmpl-${state.completions.length}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
        },
      };
    } finally {
      active--;
    }
  });

  /**
   * A streamed answer as server-sent events: the text in small chunks (or one tool call whose
   * arguments arrive in two pieces), then a chunk with the usage (`stream_options.include_usage`)
   * and `[DONE]`; a queued stream fault stops after some chunks (cut or hang).
   */
  function streamed(completion: Completion, hasTools: boolean) {
    const turn = assistantTurn({ ...completion, hasTools });
    const base = {
      id: `chatcmpl-${state.completions.length}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model: completion.model,
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
    const chunks: string[] = [chunk({ role: 'assistant', content: '' })];
    let output: string;
    if (turn.toolCall) {
      const { name, arguments: args } = turn.toolCall;
      const half = Math.floor(args.length / 2);
      chunks.push(
        chunk({
          tool_calls: [
            { index: 0, id: `call_${state.completions.length}`, type: 'function', function: { name, arguments: args.slice(0, half) } },
          ],
        }),
      );
      chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }));
      chunks.push(chunk({}, 'tool_calls'));
      output = name + args;
    } else {
      const text = turn.text ?? answerFor(completion);
      for (let i = 0; i < text.length; i += 12) chunks.push(chunk({ content: text.slice(i, i + 12) }));
      chunks.push(chunk({}, 'stop'));
      output = text;
    }
    const input = tokens(completion.messages.reduce((n, m) => n + m.content.length, 0));
    const out = tokens(output.length);
    streamedCount++;
    const fault = streamFaults.find((f) => f.at === streamedCount);
    if (fault) {
      return { fault: 'trickle' as const, chunks: chunks.slice(0, fault.afterChunks), intervalMs: 1, headers: SSE, end: fault.end };
    }
    state.billed.input += input;
    state.billed.output += out;
    state.billed.calls++;
    chunks.push(
      `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: input, completion_tokens: out, total_tokens: input + out } })}\n\n`,
    );
    chunks.push('data: [DONE]\n\n');
    return { fault: 'trickle' as const, chunks, intervalMs: 0, headers: SSE };
  }

  fake.route('POST', '/audio/transcriptions', (req) => {
    state.transcriptions.push({ bytes: req.body.length, contentType: String(req.headers['content-type'] ?? '') });
    return { json: { text: TRANSCRIPT } };
  });

  return Object.assign(state, {
    /** The text the fake's /audio/transcriptions answers for any recording. */
    transcript: TRANSCRIPT,
    /**
     * The next streamed completion sends `afterChunks` chunks, then drops the connection ('cut') or
     * keeps it open without another byte ('hang'); it is not billed. `skip`: streamed completions
     * answered normally first (the tool rounds before the answer).
     */
    streamFaultNext(afterChunks: number, end: 'cut' | 'hang', skip = 0) {
      streamFaults.push({ afterChunks, end, at: streamedCount + skip + 1 });
    },
    /** Every prompt text sent (all messages of every completion), for "never in a prompt" checks. */
    promptText(): string {
      return state.completions.map((c) => c.messages.map((m) => m.content).join('\n')).join('\n');
    },
    /** Delays every completion by `ms` inside the handler (counted as in progress). */
    setCompletionLatency(ms: number) {
      latencyMs = ms;
    },
    /** The next `n` completions answer a truncated, unparsable content with status 200. */
    malformedNext(n: number) {
      malformed += n;
    },
  });
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const fake = await startFakeServer();
  return Object.assign(fake, await extend(fake));
}
