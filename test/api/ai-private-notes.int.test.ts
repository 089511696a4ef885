import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/app.js';
import { signUp } from '../support/client.js';
import { createContact, createTag } from '../support/contacts.js';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import { startAiApp } from '../support/ai-app.js';

const MARK = 'PRIVMARK';
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('private notes', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('are false by default, settable on create, bulk create and edit, and refuse a value that is not true or false', async () => {
    const a = await signUp(t.app, 'private-api');
    const c = await createContact(a, { name: 'Pia Private' });
    const plain = await a.post('/api/interactions', { contactId: c.id, type: 'note', content: 'Open note' });
    expect(plain.body.private).toBe(false);
    const locked = await a.post('/api/interactions', { contactId: c.id, type: 'note', content: 'Only mine', private: true });
    expect(locked.status).toBe(201);
    expect(locked.body.private).toBe(true);
    const bulk = await a.post('/api/interactions/bulk', { contactIds: [c.id], subject: 'Class', private: true });
    expect(bulk.body.items[0].private).toBe(true);
    const edited = await a.patch(`/api/interactions/${plain.body.id}`, { private: true, version: plain.body.version });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ private: true, version: plain.body.version + 1 });
    const timeline = await a.get(`/api/contacts/${c.id}/interactions`);
    expect(timeline.body.items.filter((i: { private: boolean }) => i.private)).toHaveLength(3);
    const bad = await a.post('/api/interactions', { contactId: c.id, type: 'note', private: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('must be true or false');
  });

  it('never reach a prompt: sentiment, event classification, suggestions, delegation, insights and the assistant', async () => {
    const a = await signUp(t.app, 'private-ai');
    const c = await createContact(a, { name: 'Paula Prompt', emails: ['paula@client.test'] });
    expect((await a.request('PUT', `/api/contacts/${c.id}/consents/ai_processing`, { granted: true, method: 'form' })).status).toBe(200);
    const post = async (body: Record<string, unknown>) => {
      const res = await a.post('/api/interactions', { contactId: c.id, ...body });
      expect(res.status, res.text).toBe(201);
    };
    await post({ type: 'note', subject: `Note ${MARK}`, content: `${MARK} sad and anxious`, private: true, occurredAt: daysAgo(3) });
    await post({ type: 'meeting', subject: 'Session', content: 'Felt calm and grateful', occurredAt: daysAgo(2) });
    // Attendance that suggests a tag: one class logged privately, one openly.
    await createTag(a, 'Yoga');
    await createTag(a, 'Pilates');
    for (const d of [4, 9]) {
      for (const [subject, isPrivate] of [
        [`Yoga ${MARK}`, true],
        ['Pilates mornings', false],
      ] as const) {
        const res = await a.post('/api/interactions/bulk', { contactIds: [c.id], subject, private: isPrivate, occurredAt: daysAgo(d) });
        expect(res.status, res.text).toBe(201);
      }
    }
    // Two synced calendar events; one is then marked private.
    await t.app.services.interactions.upsertMany(
      a.userId,
      ['e1', 'e2'].map((key, i) => ({
        contactId: c.id,
        type: 'meeting' as const,
        subject: i === 0 ? `Coaching ${MARK}` : 'Coaching call',
        content: '',
        occurredAt: daysAgo(10 + i),
        source: 'calendar' as const,
        sourceId: `primary:${key}:${c.id}`,
        metadata: { calendarId: 'primary', eventId: key, endsAt: daysAgo(10 + i) },
      })),
    );
    const entries = (await a.get(`/api/contacts/${c.id}/interactions`)).body.items as Array<{ id: string; subject: string }>;
    const synced = entries.find((e) => e.subject === `Coaching ${MARK}`)!;
    expect((await a.patch(`/api/interactions/${synced.id}`, { private: true })).status).toBe(200);
    const task = await a.post('/api/tasks', { title: 'Plan the retreat', contactIds: [c.id] });
    expect(task.status).toBe(201);

    const from = llm.completions.length;
    expect((await a.post('/api/ai/sentiment/run')).body).toMatchObject({ scored: 4 });
    expect((await a.post('/api/ai/classify/run')).status).toBe(200);
    expect((await a.post('/api/suggestions/run')).status).toBe(200);
    expect((await a.post(`/api/tasks/${task.body.id}/delegate`, { by: 'stage' })).status).toBe(201);
    expect((await a.post(`/api/ai/insights/${c.id}`)).status).toBe(200);
    // The assistant: the contact's timeline tool, and a search for the private note's words.
    for (const message of [`Summarise the timeline of ${c.id}`, 'Which clients felt anxious?']) {
      const chat = await a.request('POST', '/api/ai/chat', { message });
      expect(chat.status, chat.text).toBe(200);
      expect(chat.text).not.toContain(MARK);
    }

    const sent = llm.completions.slice(from);
    expect(new Set(sent.map((s) => s.schemaName))).toEqual(
      new Set(['sentiment', 'classify-events', 'suggestions', 'delegation', 'insights', undefined]),
    );
    const text = sent.flatMap((s) => s.messages.map((m) => m.content)).join('\n');
    expect(text).toContain('Felt calm and grateful');
    expect(text).toContain('Coaching call');
    expect(text).toContain('Pilates mornings');
    expect(text).not.toContain(MARK);
  });
});
