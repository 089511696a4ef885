import { type FakeServer, type RecordedRequest, startFakeServer } from './fake-server.js';

/**
 * A fake OpenAI-compatible provider on the fake-server kit: `POST /chat/completions`, plain or with
 * a `json_schema` response_format, answering deterministically from the prompt (the `sentiment`
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
  const state = {
    /** Every completion that reached the handler, parsed. */
    completions: [] as Completion[],
    /** Completions answered, the tokens billed in their usage, and the most in progress at one time. */
    billed: { input: 0, output: 0, calls: 0, peak: 0 },
  };

  fake.route('POST', '/chat/completions', async (req: RecordedRequest) => {
    active++;
    state.billed.peak = Math.max(state.billed.peak, active);
    try {
      if (latencyMs) await pause(latencyMs);
      const body = JSON.parse(req.text) as {
        model: string;
        messages: Message[];
        response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } };
      };
      const completion: Completion = {
        model: body.model,
        messages: body.messages,
        schemaName: body.response_format?.json_schema?.name,
        schema: body.response_format?.json_schema?.schema,
      };
      state.completions.push(completion);
      let content = answerFor(completion);
      if (malformed > 0) {
        malformed--;
        content = content.slice(0, Math.max(1, Math.floor(content.length / 2)));
      }
      const input = tokens(body.messages.reduce((n, m) => n + m.content.length, 0));
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

  return Object.assign(state, {
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
