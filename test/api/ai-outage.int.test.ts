import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import { faults } from '../fakes/fake-server.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import type { TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { startAiApp } from '../support/ai-app.js';

/**
 * Issue 14: with the provider down, the breaker opens after the bounded retries, later AI calls are
 * refused without a request reaching the provider, and the routes that do not need AI answer as usual.
 */
describe('AI provider down', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('opens the breaker, refuses later AI calls without calling the provider, and leaves contacts and the dashboard unaffected', async () => {
    const a = await signUp(t.app, 'ai-down');
    const c = await createContact(a, { name: 'Olga Outage', emails: ['olga@client.test'] });
    expect((await a.request('PUT', `/api/contacts/${c.id}/consents/ai_processing`, { granted: true, method: 'form' })).status).toBe(200);
    expect((await a.post('/api/interactions', { contactId: c.id, type: 'meeting', subject: 'Session', content: 'Felt calm' })).status).toBe(
      201,
    );
    llm.failNext(100, faults.status(500));

    const before = llm.requests.length;
    // Each call makes its bounded attempts; after LIMITS.outbound.breakerFailures failed attempts the breaker opens.
    let paused = false;
    for (let i = 0; i < LIMITS.outbound.breakerFailures && !paused; i++) {
      const res = await a.post(`/api/ai/insights/${c.id}`);
      expect(res.status, res.text).toBe(503);
      paused = /paused/.test(res.text);
    }
    expect(paused, 'the breaker opened').toBe(true);
    const reached = llm.requests.length;
    expect(reached - before).toBe(LIMITS.outbound.breakerFailures);

    for (let i = 0; i < 3; i++) {
      const res = await a.post(`/api/ai/insights/${c.id}`);
      expect(res.status, res.text).toBe(503);
      expect(res.text).toMatch(/paused/);
    }
    expect(llm.requests.length, 'no request reached the provider while the breaker was open').toBe(reached);

    expect((await a.get('/api/contacts')).status).toBe(200);
    expect((await a.get(`/api/contacts/${c.id}`)).status).toBe(200);
    expect((await a.get('/api/dashboard/stats')).status).toBe(200);
    expect((await a.post('/api/interactions', { contactId: c.id, type: 'note', subject: 'Still writing' })).status).toBe(201);
  });
});
