import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/server/config.js';
import { FairQueue } from '../../src/server/modules/ai/fair-queue.js';
import { createAiProvider, strictJsonSchema } from '../../src/server/modules/ai/provider.js';
import { sentimentContract } from '../../src/server/modules/ai/sentiment.js';
import { faults } from '../fakes/fake-server.js';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai.js';
import { testOutbound } from '../support/outbound.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('FairQueue', () => {
  it('never runs more than its limit, and one user’s burst does not delay another user past the first free slot', async () => {
    const q = new FairQueue(2);
    const order: string[] = [];
    let active = 0;
    let peak = 0;
    const gates: Array<() => void> = [];
    const task = (label: string) => () => {
      active++;
      peak = Math.max(peak, active);
      order.push(label);
      const d = deferred();
      gates.push(d.resolve);
      return d.promise.then(() => {
        active--;
      });
    };
    const burst = Array.from({ length: 20 }, (_, i) => q.run('a', task(`a${i}`)));
    const single = q.run('b', task('b0'));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a0', 'a1']);
    // The first slot that frees goes to b, ahead of a's 18 waiting tasks.
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['a0', 'a1', 'b0']);
    while (gates.length) {
      gates.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all([...burst, single]);
    expect(order).toHaveLength(21);
    expect(peak).toBe(2);
  });

  it('takes a cancelled wait out of the queue', async () => {
    const q = new FairQueue(1);
    const d = deferred();
    const first = q.run('a', () => d.promise);
    const abort = new AbortController();
    const second = q.run('a', async () => 'ran', abort.signal);
    abort.abort(new Error('gone'));
    await expect(second).rejects.toThrow('gone');
    d.resolve();
    await first;
    expect(q.inFlight).toBe(0);
  });
});

describe('AI provider', () => {
  let llm: FakeOpenAi | undefined;
  let out: ReturnType<typeof testOutbound> | undefined;
  afterEach(async () => {
    await out?.client.close();
    await llm?.close();
  });

  const make = async (limits = {}, callTimeoutMs?: number) => {
    llm = await startFakeOpenAi();
    out = testOutbound({ limits });
    const config = loadConfig({ AI_BASE_URL: llm.url, AI_API_KEY: 'k', AI_CONCURRENCY: '1' }).ai;
    return createAiProvider({ config, outbound: out.client, callTimeoutMs });
  };
  const ask = (p: Awaited<ReturnType<typeof make>>) =>
    p.structured({
      userId: 'u',
      model: 'm',
      name: 'sentiment',
      contract: sentimentContract,
      messages: [{ role: 'user', content: 'Rate:\n{"items":[{"ref":"1","text":"great"}]}' }],
    });

  it('sends a strict JSON schema: every object closed with every property required', () => {
    const schema = strictJsonSchema(sentimentContract) as any;
    expect(schema.$schema).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['items']);
    expect(schema.properties.items.items.additionalProperties).toBe(false);
    expect(schema.properties.items.items.required).toEqual(['ref', 'score', 'confidence']);
    expect(() => strictJsonSchema(z.strictObject({ a: z.string() }))).not.toThrow();
  });

  it('waits at least Retry-After after a 429, then answers', async () => {
    const p = await make();
    llm?.failNext(1, faults.status(429, { retryAfter: '3' }));
    const { data, calls } = await ask(p);
    expect(data.items).toEqual([{ ref: '1', score: 4, confidence: 0.8 }]);
    expect(calls).toHaveLength(1);
    expect(out?.sleeps[0]).toBeGreaterThanOrEqual(3_000);
    expect(llm?.requests).toHaveLength(2);
    const sent = JSON.parse(llm?.requests[1]?.text ?? '{}');
    expect(sent.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'sentiment', strict: true } });
  });

  it('gives up after bounded retries on 500s, and the open breaker fails later calls without a request', async () => {
    const p = await make({ maxAttempts: 2, breakerFailures: 2, breakerCooldownMs: 60_000 });
    llm?.failNext(10, faults.status(500));
    await expect(ask(p)).rejects.toMatchObject({ code: 'unavailable' });
    expect(llm?.requests).toHaveLength(2);
    await expect(ask(p)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/paused/) });
    expect(llm?.requests).toHaveLength(2);
  });

  it('times out a hanging provider at the configured bound', async () => {
    const p = await make({ maxAttempts: 1 }, 300);
    llm?.failNext(1, faults.hang());
    await expect(ask(p)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/did not answer in time|could not be reached/),
    });
  }, 20_000);
});
