import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai.js';

async function consentingContact(c: TestClient, name: string, granted: boolean) {
  const contact = await createContact(c, { name, emails: [`${name.toLowerCase().replace(/\W/g, '')}@client.test`] });
  if (granted) {
    const res = await c.request('PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    expect(res.status).toBe(200);
  }
  return contact;
}

async function note(c: TestClient, contactId: string, content: string) {
  const res = await c.post('/api/interactions', { contactId, type: 'meeting', subject: 'Session', content });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const sentimentOf = async (c: TestClient, contactId: string) =>
  new Map<string, number | null>(
    (await c.get(`/api/contacts/${contactId}/interactions`)).body.items.map((i: { id: string; sentiment: number | null }) => [
      i.id,
      i.sentiment,
    ]),
  );

describe('AI against a fake OpenAI-compatible provider', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  beforeAll(async () => {
    llm = await startFakeOpenAi();
    t = await createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key', AI_CONCURRENCY: '2' });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('scores consenting contacts in batches, never sends others, masks emails and phones, and bills exactly', async () => {
    const a = await signUp(t.app, 'ai-a');
    const yes = await consentingContact(a, 'Jane Consent', true);
    const no = await consentingContact(a, 'Secret Person', false);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(await note(a, yes.id, `Felt great and calm, progress ${i}. Reach me at jane.mail@client.test or +44 20 7946 0958`));
    const hidden = await note(a, no.id, 'Hidden-marker-xyz very sad');
    const before = { calls: llm.billed.calls, input: llm.billed.input, output: llm.billed.output, n: llm.completions.length };

    const run = await a.post('/api/ai/sentiment/run');
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ scored: 30, skippedWithoutConsent: 1, model: 'openai/gpt-4o-mini', madeWithoutModel: false });
    // 30 interactions: two calls of up to 25 each.
    expect(llm.billed.calls - before.calls).toBe(2);
    const sent = llm.completions.slice(before.n);
    expect(sent.every((c) => c.schemaName === 'sentiment' && c.model === 'openai/gpt-4o-mini')).toBe(true);
    const text = sent.map((c) => c.messages.map((m) => m.content).join('\n')).join('\n');
    expect(text).not.toContain('Hidden-marker-xyz');
    expect(text).not.toContain('jane.mail@client.test');
    expect(text).not.toContain('7946');
    expect(text).toContain('[EMAIL_1]');
    expect(text).toContain('[PHONE_1]');
    expect(llm.billed.peak).toBeLessThanOrEqual(2);

    const scores = await sentimentOf(a, yes.id);
    for (const id of ids) expect(scores.get(id)).toBe(5);
    expect((await sentimentOf(a, no.id)).get(hidden)).toBeNull();
    expect((await a.get(`/api/contacts/${yes.id}`)).body.sentiment).toBe(5);

    const usage = await a.get('/api/ai/usage');
    expect(usage.status).toBe(200);
    const [task] = usage.body.byTask;
    expect(task).toMatchObject({
      task: 'sentiment',
      calls: 2,
      inputTokens: llm.billed.input - before.input,
      outputTokens: llm.billed.output - before.output,
    });
    const expectedCost = ((llm.billed.input - before.input) * 0.15 + (llm.billed.output - before.output) * 0.6) / 1_000_000;
    expect(task.costUsd).toBeCloseTo(expectedCost, 6);
    expect(usage.body.byModel[0].model).toBe('openai/gpt-4o-mini');
    expect(usage.body.spent.todayUsd).toBeCloseTo(expectedCost, 6);
    expect(usage.body.budget).toEqual({ dailyUsd: 1, monthlyUsd: 20 });

    const prompts = await a.get('/api/ai/prompts?limit=1');
    expect(prompts.status).toBe(200);
    expect(prompts.body.items[0]).toMatchObject({ task: 'sentiment', contactIds: [yes.id], status: 'ok' });
    expect(prompts.body.nextCursor).toBeTruthy();
    const page2 = await a.get(`/api/ai/prompts?limit=1&cursor=${prompts.body.nextCursor}`);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).not.toBe(prompts.body.items[0].id);

    // Nothing left to score: no call.
    const again = await a.post('/api/ai/sentiment/run');
    expect(again.body.scored).toBe(0);
    expect(llm.billed.calls - before.calls).toBe(2);

    // Erasing the contact erases the prompts about it.
    expect((await a.delete(`/api/contacts/${yes.id}`)).status).toBe(204);
    expect((await a.get('/api/ai/prompts')).body.items).toHaveLength(0);
    // Another user sees none of it.
    const b = await signUp(t.app, 'ai-b');
    expect((await b.get('/api/ai/usage')).body.byTask).toEqual([]);
  });

  it('retries a malformed answer once with the error, then refuses it and writes no score', async () => {
    const a = await signUp(t.app, 'ai-malformed');
    const c = await consentingContact(a, 'Mal Formed', true);
    const id = await note(a, c.id, 'good day');
    const n = llm.completions.length;
    llm.malformedNext(2);
    const run = await a.post('/api/ai/sentiment/run');
    expect(run.status).toBe(503);
    expect(run.body.error.message).toMatch(/nothing was saved/);
    expect(llm.completions.length - n).toBe(2);
    expect(llm.completions.at(-1)?.messages.at(-1)?.content).toMatch(/invalid/);
    expect((await sentimentOf(a, c.id)).get(id)).toBeNull();

    // One malformed answer, then a valid one: scored.
    llm.malformedNext(1);
    const ok = await a.post('/api/ai/sentiment/run');
    expect(ok.status).toBe(200);
    expect(ok.body.scored).toBe(1);
    expect((await sentimentOf(a, c.id)).get(id)).toBe(4);
  });
});

describe('AI budgets', () => {
  it('refuses a call over budget with 429 before it reaches the provider', async () => {
    const llm = await startFakeOpenAi();
    const token = 'ai-metrics-token-long-enough';
    const t = await createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key', AI_DAILY_BUDGET_USD: '0.00001', METRICS_TOKEN: token });
    try {
      const a = await signUp(t.app, 'ai-budget');
      const c = await consentingContact(a, 'Budget Client', true);
      // A long note: the first call costs more than the whole daily budget.
      await note(a, c.id, 'calm '.repeat(500));
      expect((await a.post('/api/ai/sentiment/run')).status).toBe(200);
      expect(llm.billed.calls).toBe(1);
      await note(a, c.id, 'another session');
      const refused = await a.post('/api/ai/sentiment/run');
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/AI budget/);
      expect(refused.headers['retry-after']).toBeTruthy();
      expect(llm.requests).toHaveLength(1);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } })).body;
      expect(metrics).toContain('ai_calls_total{task="sentiment",model="openai/gpt-4o-mini",status="ok"} 1');
      expect(metrics).toContain(`ai_tokens_total{task="sentiment",model="openai/gpt-4o-mini",direction="input"} ${llm.billed.input}`);
      expect(metrics).toMatch(/ai_cost_usd_total\{task="sentiment",model="openai\/gpt-4o-mini"\} \d/);
    } finally {
      await t.close();
      await llm.close();
    }
  });
});

describe('AI offline (no API key)', () => {
  it('scores with the local lexicon, marks it as made without a model, and calls nobody', async () => {
    const t = await createTestApp({ AI_API_KEY: '' });
    try {
      const a = await signUp(t.app, 'ai-offline');
      const c = await consentingContact(a, 'Offline Client', true);
      const no = await consentingContact(a, 'Offline Refuser', false);
      const sad = await note(a, c.id, 'Felt anxious and stressed, tired.');
      const other = await note(a, no.id, 'great');
      const run = await a.post('/api/ai/sentiment/run');
      expect(run.body).toMatchObject({ scored: 1, skippedWithoutConsent: 1, model: 'offline', madeWithoutModel: true });
      expect((await sentimentOf(a, c.id)).get(sad)).toBe(1);
      expect((await sentimentOf(a, no.id)).get(other)).toBeNull();
      const usage = await a.get('/api/ai/usage');
      expect(usage.body.enabled).toBe(false);
      expect(usage.body.byModel).toEqual([{ model: 'offline', calls: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 }]);
      expect((await a.get('/api/ai/prompts')).body.items).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
