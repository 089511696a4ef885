import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import type { Insight } from '../../src/shared/api/insights.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai.js';
import { startAiApp } from '../support/ai-app.js';
import { statementsOf } from '../support/pages.js';

const DAY_MS = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString();

async function client(c: TestClient, name: string, consent: boolean) {
  const contact = await createContact(c, { name, emails: [`${name.toLowerCase().replace(/\W/g, '')}@client.test`] });
  if (consent) {
    const res = await c.request('PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    expect(res.status, res.text).toBe(200);
  }
  return contact.id;
}

async function entry(c: TestClient, contactId: string, body: Record<string, unknown>) {
  const res = await c.post('/api/interactions', { contactId, type: 'meeting', subject: 'Session', ...body });
  expect(res.status, res.text).toBe(201);
  return res.body.id as string;
}

/** A contact with two sessions, a private note, a goal and an overdue task; answers every record id. */
async function practice(c: TestClient, contactId: string) {
  const sessions = [
    await entry(c, contactId, { content: 'Talked about sleep; write to sleepy@client.test', occurredAt: daysAgo(20) }),
    await entry(c, contactId, { content: 'Breathing practice went well', occurredAt: daysAgo(5) }),
  ];
  const secret = await entry(c, contactId, {
    type: 'note',
    content: 'PRIVATE-MARKER divorce details',
    private: true,
    occurredAt: daysAgo(4),
  });
  const goal = await c.post('/api/goals', { contactId, title: 'Sleep seven hours', targetValue: 7, currentValue: 5, unit: 'hours' });
  expect(goal.status, goal.text).toBe(201);
  const task = await c.post('/api/tasks', { title: 'Send the sleep diary', contactIds: [contactId], dueAt: daysAgo(2) });
  expect(task.status, task.text).toBe(201);
  return { sessions, secret, goal: goal.body.id as string, task: task.body.id as string };
}

const citationsOf = (i: Insight) => [
  ...[...i.summary, ...i.risks, ...i.nextSteps].flatMap((s) => s.citations),
  ...i.engagement.citations,
  ...i.nextSession.citations,
];

describe('contact insights against the fake provider', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('a failed generation stores nothing, yet the model calls it paid for are in the usage page at once', async () => {
    const a = await signUp(t.app, 'insights-usage');
    const id = await client(a, 'Uma Usage', true);
    await practice(a, id);
    const before = await a.get('/api/ai/usage');
    expect(before.body.byTask).toEqual([]);
    expect(statementsOf(await a.get('/api/ai/usage'))).toBe(0);
    llm.malformedNext(2);
    expect((await a.post(`/api/ai/insights/${id}`)).status).toBeGreaterThanOrEqual(400);
    const after = (await a.get('/api/ai/usage')).body;
    expect(after.byTask.find((x: { task: string }) => x.task === 'insights')?.calls).toBeGreaterThan(0);
  });

  it('cites only the records in the prompt, leaves private notes and emails out, and caches until the timeline changes', async () => {
    const a = await signUp(t.app, 'insights-a');
    const id = await client(a, 'Ines Insight', true);
    const records = await practice(a, id);
    expect((await a.get(`/api/ai/insights/${id}`)).status).toBe(404);

    const n = llm.completions.length;
    const made = await a.post(`/api/ai/insights/${id}`);
    expect(made.status, made.text).toBe(200);
    const insight = made.body as Insight;
    expect(insight).toMatchObject({ contactId: id, model: 'openai/gpt-4o', madeWithoutModel: false, stale: false });
    expect(llm.completions.length - n).toBe(1);
    const prompt = llm.completions.at(-1)!;
    expect(prompt.schemaName).toBe('insights');
    const text = prompt.messages.map((m) => m.content).join('\n');
    expect(text).toContain('Breathing practice went well');
    expect(text).not.toContain('PRIVATE-MARKER');
    expect(text).not.toContain('sleepy@client.test');

    // Every citation is one of this contact's records; the invented refs and the statement citing only them are gone.
    const own = new Set([...records.sessions, records.goal, records.task]);
    const cited = citationsOf(insight);
    expect(cited.length).toBeGreaterThan(0);
    for (const c of cited) expect(own.has(c.id), c.id).toBe(true);
    expect(cited.some((c) => c.id === records.secret)).toBe(false);
    expect(insight.summary.map((s) => s.text).join(' ')).not.toContain('invented');
    expect(insight.summary.every((s) => s.citations.length > 0)).toBe(true);
    expect(insight.risks[0]!.citations).toEqual([{ kind: 'goal', id: records.goal, label: 'Sleep seven hours' }]);
    expect(insight.nextSteps[0]!.citations[0]).toMatchObject({ kind: 'task', id: records.task });
    // The email masked in the prompt is restored in the answer.
    expect(insight.summary.map((s) => s.text).join(' ')).toContain('sleepy@client.test');

    // Cached: one statement for the read, no call for a second generate.
    const cached = await a.get(`/api/ai/insights/${id}`);
    expect(cached.status).toBe(200);
    expect(cached.headers['x-db-statements']).toBe('1');
    expect(cached.body).toEqual({ ...insight, stale: false });
    const again = await a.post(`/api/ai/insights/${id}`);
    expect(again.body.generatedAt).toBe(insight.generatedAt);
    expect(llm.completions.length - n).toBe(1);

    // A new note makes it stale; generating again asks the model again.
    await entry(a, id, { type: 'call', subject: 'Check-in call', content: 'Sleeping better now' });
    expect((await a.get(`/api/ai/insights/${id}`)).body.stale).toBe(true);
    const fresh = await a.post(`/api/ai/insights/${id}`);
    expect(fresh.body.stale).toBe(false);
    expect(llm.completions.length - n).toBe(2);
    expect(llm.completions.at(-1)!.messages.at(-1)!.content).toContain('Sleeping better now');

    // Editing a goal or making an entry private invalidates it too.
    expect((await a.patch(`/api/goals/${records.goal}`, { currentValue: 6 })).status).toBe(200);
    expect((await a.get(`/api/ai/insights/${id}`)).body.stale).toBe(true);
    await a.post(`/api/ai/insights/${id}`);
    expect((await a.patch(`/api/interactions/${records.sessions[1]}`, { private: true })).status).toBe(200);
    expect((await a.get(`/api/ai/insights/${id}`)).body.stale).toBe(true);
    await a.post(`/api/ai/insights/${id}`);
    expect(llm.completions.at(-1)!.messages.at(-1)!.content).not.toContain('Breathing practice went well');

    const usage = (await a.get('/api/ai/usage')).body;
    expect(usage.byTask.find((x: { task: string }) => x.task === 'insights')).toMatchObject({ calls: 5 });
    expect(usage.byModel.find((x: { model: string }) => x.model === 'cache')).toMatchObject({ calls: 1, costUsd: 0 });

    // Another user reaches none of it: the same 404 as a contact that does not exist.
    const b = await signUp(t.app, 'insights-b');
    expect((await b.get(`/api/ai/insights/${id}`)).status).toBe(404);
    const m = llm.completions.length;
    expect((await b.post(`/api/ai/insights/${id}`)).status).toBe(404);
    expect(llm.completions.length).toBe(m);

    // Erased with the contact, prompts included.
    expect((await a.delete(`/api/contacts/${id}`)).status).toBe(204);
    expect((await a.get(`/api/ai/insights/${id}`)).status).toBe(404);
    const left = await queryRows<{ n: number }>(
      t.database.db,
      sql`select (select count(*) from ai_insights where contact_id = ${id})::int
               + (select count(*) from ai_prompts where ${id} = any(contact_ids))::int as n`,
    );
    expect(left[0]!.n).toBe(0);
  });

  it('refuses a contact without ai_processing consent, and stops showing insights when consent is withdrawn', async () => {
    const a = await signUp(t.app, 'insights-consent');
    const no = await client(a, 'Nora Noconsent', false);
    await entry(a, no, { content: 'NOCONSENT-MARKER' });
    const n = llm.completions.length;
    const refused = await a.post(`/api/ai/insights/${no}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/consent to AI processing/);
    expect(refused.body.error.message).not.toContain('Nora');
    expect((await a.get(`/api/ai/insights/${no}`)).status).toBe(409);
    expect(llm.completions.length).toBe(n);
    expect(llm.promptText()).not.toContain('NOCONSENT-MARKER');

    const yes = await client(a, 'Wanda Withdraw', true);
    await entry(a, yes, { content: 'Good session' });
    expect((await a.post(`/api/ai/insights/${yes}`)).status).toBe(200);
    const withdraw = await a.request('PUT', `/api/contacts/${yes}/consents/ai_processing`, { granted: false, method: 'form' });
    expect(withdraw.status, withdraw.text).toBe(200);
    expect((await a.get(`/api/ai/insights/${yes}`)).status).toBe(409);
  });

  it('answers 400 for an id that is not a UUID', async () => {
    const a = await signUp(t.app, 'insights-bad');
    const res = await a.post('/api/ai/insights/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/contact id/);
  });
});

describe('contact insights budget', () => {
  it('refuses over budget with 429 before the provider is called, and serves the cached insight meanwhile', async () => {
    const llm = await startFakeOpenAi();
    const t = await createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key', AI_DAILY_BUDGET_USD: '0.000001' });
    try {
      const a = await signUp(t.app, 'insights-budget');
      const id = await client(a, 'Bea Budget', true);
      await entry(a, id, { content: 'calm '.repeat(300) });
      expect((await a.post(`/api/ai/insights/${id}`)).status).toBe(200);
      expect(llm.billed.calls).toBe(1);
      await entry(a, id, { content: 'another session' });
      const refused = await a.post(`/api/ai/insights/${id}`);
      expect(refused.status).toBe(429);
      expect(refused.body.error.message).toMatch(/AI budget/);
      expect(llm.billed.calls).toBe(1);
      const stale = await a.get(`/api/ai/insights/${id}`);
      expect(stale.status).toBe(200);
      expect(stale.body.stale).toBe(true);
    } finally {
      await t.close();
      await llm.close();
    }
  });
});

describe('contact insights offline (no API key)', () => {
  it('assembles them from the data, cites the records, and says they were made without a model', async () => {
    const t = await createTestApp({ AI_API_KEY: '' });
    try {
      const a = await signUp(t.app, 'insights-offline');
      const id = await client(a, 'Olga Offline', true);
      const records = await practice(a, id);
      const res = await a.post(`/api/ai/insights/${id}`);
      expect(res.status, res.text).toBe(200);
      const insight = res.body as Insight;
      expect(insight).toMatchObject({ model: 'offline', madeWithoutModel: true, stale: false });
      // Two sessions in the last 30 days, none in the 30 before (the private note does not count).
      expect(insight.engagement.trend).toBe('rising');
      expect(insight.risks.find((r) => r.text.includes('overdue'))?.citations).toEqual([
        { kind: 'task', id: records.task, label: 'Send the sleep diary' },
      ]);
      expect(insight.summary[1]!.text).toContain('Sleep seven hours');
      const own = new Set([...records.sessions, records.goal, records.task]);
      for (const c of citationsOf(insight)) expect(own.has(c.id)).toBe(true);
      expect(JSON.stringify(insight)).not.toContain('PRIVATE-MARKER');
      // The last session was 5 days ago; a discovery contact's rhythm is 14 days.
      expect(insight.nextSession).toMatchObject({ withinDays: 9, citations: [{ kind: 'interaction', id: records.sessions[1] }] });

      const cached = await a.get(`/api/ai/insights/${id}`);
      expect(cached.headers['x-db-statements']).toBe('1');
      expect((await a.get('/api/ai/prompts')).body.items).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
