import http from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import { postFile } from '../support/route-cases.js';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai.js';
import { faults } from '../fakes/fake-server.js';
import { startAiApp } from '../support/ai-app.js';

type Event = { event: string; data: any };

/** The server-sent events of a finished answer, in order. */
function parseEvents(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

async function ask(c: TestClient, body: Record<string, unknown>) {
  const res = await c.request('POST', '/api/ai/chat', body);
  return { status: res.status, headers: res.headers, body: res.body, events: res.status === 200 ? parseEvents(res.text) : [] };
}

const answerText = (events: Event[]) =>
  events
    .filter((e) => e.event === 'delta')
    .map((e) => e.data.text)
    .join('');

async function client(c: TestClient, name: string, note: string, consent: boolean) {
  const contact = await createContact(c, { name, emails: [`${name.toLowerCase().replace(/\W/g, '')}@client.test`] });
  if (consent) {
    const res = await c.request('PUT', `/api/contacts/${contact.id}/consents/ai_processing`, { granted: true, method: 'form' });
    expect(res.status).toBe(200);
  }
  const res = await c.post('/api/interactions', { contactId: contact.id, type: 'meeting', subject: 'Session', content: note });
  expect(res.status).toBe(201);
  return { id: contact.id as string, interactionId: res.body.id as string };
}

const messagesOf = async (t: TestApp, userId: string) =>
  Number(((await t.database.db.execute(sql`select count(*)::int as n from ai_messages where user_id = ${userId}`)) as any).rows[0].n);

describe('the assistant against a fake OpenAI-compatible provider', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('answers with tools over the caller’s consenting contacts only, streams, cites, bills each round and keeps the conversation', async () => {
    const a = await signUp(t.app, 'chat-a');
    const b = await signUp(t.app, 'chat-b');
    const yes = await client(a, 'Sleepy Consenting', 'Trouble with insomnia again; mail me at sleepy.mail@client.test', true);
    const no = await client(a, 'Sleepy Refusing', 'Also insomnia, never share', false);
    await client(b, 'Sleepy Stranger', 'Insomnia for user B', true);
    const before = { n: llm.completions.length, input: llm.billed.input, output: llm.billed.output };

    const res = await ask(a, { message: 'Which clients mentioned insomnia?' });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/event-stream');
    const kinds = res.events.map((e) => e.event);
    expect(kinds[0]).toBe('conversation');
    expect(kinds.filter((k) => k === 'delta').length).toBeGreaterThan(1);
    expect(kinds.slice(-2)).toEqual(['citations', 'done']);
    const text = answerText(res.events);
    expect(text).toContain('Sleepy Consenting');
    expect(text).not.toContain('Sleepy Refusing');
    const citations = res.events.find((e) => e.event === 'citations')?.data.citations;
    expect(citations).toEqual([{ kind: 'contact', id: yes.id, label: 'Sleepy Consenting', contactId: yes.id }]);

    // What the provider received: a tool round, then the answer; nobody else's contacts, no refusing contact, no email.
    const sent = llm.completions.slice(before.n);
    expect(sent).toHaveLength(2);
    const prompt = sent.map((c) => c.messages.map((m) => m.content).join('\n')).join('\n');
    expect(prompt).toContain('Sleepy Consenting');
    expect(prompt).not.toContain('Sleepy Refusing');
    expect(prompt).not.toContain(no.id);
    expect(prompt).not.toContain('Sleepy Stranger');
    expect(prompt).not.toContain('sleepy.mail@client.test');

    // Usage per round, exactly what the fake billed.
    const usage = await a.get('/api/ai/usage');
    expect(usage.body.byTask).toEqual([
      expect.objectContaining({
        task: 'assistant',
        calls: 2,
        inputTokens: llm.billed.input - before.input,
        outputTokens: llm.billed.output - before.output,
      }),
    ]);

    // The conversation is kept; a follow-up sends it back as context.
    const done = res.events.at(-1)?.data;
    expect(done).toMatchObject({ madeWithoutModel: false, model: 'openai/gpt-4o' });
    const list = await a.get('/api/ai/conversations');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([done.conversationId]);
    const follow = await ask(a, { message: 'And which of them has goals?', conversationId: done.conversationId });
    expect(follow.events.at(-1)?.event).toBe('done');
    expect(llm.completions.at(-1)?.messages.some((m) => m.content === 'Which clients mentioned insomnia?')).toBe(true);
    const conv = await a.get(`/api/ai/conversations/${done.conversationId}`);
    expect(conv.status).toBe(200);
    expect(conv.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(conv.body.messages[1]).toMatchObject({ content: text, citations, model: 'openai/gpt-4o', madeWithoutModel: false });

    // Someone else's conversation is a 404, as is a deleted one.
    expect((await b.get(`/api/ai/conversations/${done.conversationId}`)).status).toBe(404);
    expect((await ask(b, { message: 'hello', conversationId: done.conversationId })).status).toBe(404);
    expect((await b.request('DELETE', `/api/ai/conversations/${done.conversationId}`)).status).toBe(404);
    expect((await a.request('DELETE', `/api/ai/conversations/${done.conversationId}`)).status).toBe(204);
    expect((await a.get(`/api/ai/conversations/${done.conversationId}`)).status).toBe(404);
    expect(await messagesOf(t, a.userId)).toBe(0);
  });

  it('follows a search with a timeline for a progress question and cites the timeline entries', async () => {
    const a = await signUp(t.app, 'chat-progress');
    const jane = await client(a, 'Jane Progress', 'Sleeping better, ran 5k', true);
    const res = await ask(a, { message: 'Summarise the progress of Jane Progress' });
    const citations = res.events.find((e) => e.event === 'citations')?.data.citations;
    expect(citations).toEqual([{ kind: 'interaction', id: jane.interactionId, label: 'Session', contactId: jane.id }]);
    const calls = llm.completions.slice(-3);
    expect(calls.map((c) => c.messages.filter((m) => m.role === 'tool').length)).toEqual([0, 1, 2]);
  });

  it('finds a client by an address the model only saw masked, and never sends the address', async () => {
    const a = await signUp(t.app, 'chat-masked');
    const noor = await client(a, 'Noor Masked', 'Breathwork session', true);
    await client(a, 'Other Client', 'Breathwork too', true);
    const res = await ask(a, { message: 'What do my records say about noormasked@client.test?' });
    const calls = llm.completions.slice(-2);
    expect(JSON.stringify(calls)).not.toContain('noormasked@client.test');
    expect(calls[1]?.messages.find((m) => m.role === 'assistant')?.content).toContain('[EMAIL_1]');
    expect(res.events.find((e) => e.event === 'citations')?.data.citations).toEqual([
      { kind: 'contact', id: noor.id, label: 'Noor Masked', contactId: noor.id },
    ]);
  });

  it('erasing a contact erases the conversations whose answers showed it', async () => {
    const a = await signUp(t.app, 'chat-erase');
    const shown = await client(a, 'Erased Sleeper', 'insomnia', true);
    const res = await ask(a, { message: 'Which clients mentioned insomnia?' });
    const id = res.events.at(-1)?.data.conversationId;
    expect((await a.get(`/api/ai/conversations/${id}`)).status).toBe(200);
    expect((await a.request('DELETE', `/api/contacts/${shown.id}`)).status).toBeLessThan(300);
    expect((await a.get(`/api/ai/conversations/${id}`)).status).toBe(404);
    expect(await messagesOf(t, a.userId)).toBe(0);
  });

  it('a merge keeps the conversation under the merged contact, so erasing it still erases the conversation', async () => {
    const a = await signUp(t.app, 'chat-merge');
    const kept = await createContact(a, { name: 'Kept Person', emails: ['kept@client.test'] });
    const merged = await client(a, 'Merged Sleeper', 'insomnia', true);
    const res = await ask(a, { message: 'Which clients mentioned insomnia?' });
    const id = res.events.at(-1)?.data.conversationId;
    const merge = await a.post('/api/contacts/merge', { primaryId: kept.id, contactIds: [merged.id] });
    expect(merge.status).toBeLessThan(300);
    expect((await a.request('DELETE', `/api/contacts/${kept.id}`)).status).toBeLessThan(300);
    expect((await a.get(`/api/ai/conversations/${id}`)).status).toBe(404);
  });

  it('a stream cut halfway sends an error event and stores no partial answer', async () => {
    const a = await signUp(t.app, 'chat-cut');
    await client(a, 'Cut Client', 'insomnia notes', true);
    // The tool round completes; the answer stops after a few chunks.
    llm.streamFaultNext(3, 'cut', 1);
    const res = await ask(a, { message: 'Which clients mentioned insomnia?' });
    const kinds = res.events.map((e) => e.event);
    expect(kinds).toContain('delta');
    expect(kinds.at(-1)).toBe('error');
    expect(res.events.at(-1)?.data.code).toBe('unavailable');
    expect(kinds).not.toContain('done');
    expect(await messagesOf(t, a.userId)).toBe(0);
    expect((await a.get('/api/ai/conversations')).body.items).toEqual([]);
  });

  it('retries a 429 after its Retry-After, and reports a provider that keeps refusing as an error event', async () => {
    const a = await signUp(t.app, 'chat-429');
    llm.failNext(1, faults.status(429, { retryAfter: '1' }));
    const seen = llm.requests.length;
    const ok = await ask(a, { message: 'How many clients do I have?' });
    expect(ok.events.at(-1)?.event).toBe('done');
    expect(llm.requests.length - seen).toBe(3); // the refused attempt, its retry, the answer round

    llm.failNext(3, faults.status(429, { retryAfter: '0' }));
    const refused = await ask(a, { message: 'How many clients do I have?' });
    expect(refused.events.at(-1)).toMatchObject({ event: 'error', data: { code: 'rate_limited' } });
    expect(await messagesOf(t, a.userId)).toBe(2);
  });

  it('cancels the provider call when the client goes away, and keeps nothing', async () => {
    const a = await signUp(t.app, 'chat-gone');
    await client(a, 'Gone Client', 'insomnia', true);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    llm.streamFaultNext(2, 'hang', 1);
    const abandoned = llm.abandoned.count;
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/ai/chat',
          headers: {
            'content-type': 'application/json',
            cookie: [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            'x-csrf-token': a.csrf,
            origin: `http://127.0.0.1:${port}`,
          },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          let seen = '';
          res.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            // The answer has started streaming: hang up.
            if (seen.includes('event: delta')) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(JSON.stringify({ message: 'Which clients mentioned insomnia?' }));
    });
    // The server drops its provider call: the fake sees the connection of the hanging stream close.
    for (let i = 0; i < 200 && llm.abandoned.count === abandoned; i++) await new Promise((r) => setTimeout(r, 25));
    expect(llm.abandoned.count).toBe(abandoned + 1);
    expect(await messagesOf(t, a.userId)).toBe(0);
  });

  it('transcribes a recording through the provider', async () => {
    const a = await signUp(t.app, 'chat-voice');
    const res = await postFile(a, '/api/ai/transcribe', Buffer.from('fake-webm-bytes'), {
      field: 'audio',
      filename: 'q.webm',
      contentType: 'audio/webm',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ text: llm.transcript, model: 'whisper-1' });
    expect(llm.transcriptions.at(-1)?.bytes).toBeGreaterThan(15);
    const notAudio = await postFile(a, '/api/ai/transcribe', Buffer.from('hello'), {
      field: 'audio',
      filename: 'a.txt',
      contentType: 'text/plain',
    });
    expect(notAudio.status).toBe(415);
    const empty = await postFile(a, '/api/ai/transcribe', Buffer.alloc(0), { field: 'audio', contentType: 'audio/webm' });
    expect(empty.status).toBe(400);
  });

  it('refuses bad questions with a 4xx before any stream starts', async () => {
    const a = await signUp(t.app, 'chat-bad');
    expect((await ask(a, { message: '   ' })).status).toBe(400);
    expect((await ask(a, { message: 'x'.repeat(2_001) })).status).toBe(400);
    expect((await ask(a, { message: 'hi', conversationId: 'nope' })).status).toBe(400);
    expect((await ask(a, { message: 'hi', conversationId: crypto.randomUUID() })).status).toBe(404);
    expect((await ask(a, { message: 'hi', extra: 1 })).status).toBe(400);
  });
});

describe('the assistant over budget', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  beforeAll(async () => {
    llm = await startFakeOpenAi();
    t = await createTestApp({ AI_BASE_URL: llm.url, AI_API_KEY: 'test-key', AI_DAILY_BUDGET_USD: '0' });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('refuses the question with a 429 naming the budget before any stream or provider call', async () => {
    const a = await signUp(t.app, 'chat-budget');
    const res = await ask(a, { message: 'Who mentioned insomnia?' });
    expect(res.status).toBe(429);
    expect(res.body.error.message).toContain('AI_DAILY_BUDGET_USD');
    expect(res.headers['retry-after']).toBeDefined();
    expect(llm.requests).toHaveLength(0);
  });
});

describe('the assistant without a model', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('answers through search, says it was made without a model, and keeps the conversation', async () => {
    const a = await signUp(t.app, 'chat-offline');
    const c = await client(a, 'Offline Sleeper', 'talked about insomnia', false);
    const res = await ask(a, { message: 'Who mentioned insomnia?' });
    expect(res.events.map((e) => e.event)).toEqual(['conversation', 'delta', 'citations', 'done']);
    expect(answerText(res.events)).toContain('Made without an AI model');
    expect(answerText(res.events)).toContain('Offline Sleeper');
    expect(res.events[2]?.data.citations).toEqual([{ kind: 'contact', id: c.id, label: 'Offline Sleeper', contactId: c.id }]);
    expect(res.events[3]?.data).toMatchObject({ model: 'offline', madeWithoutModel: true });
    const conv = await a.get(`/api/ai/conversations/${res.events[3]?.data.conversationId}`);
    expect(conv.body.messages[1]).toMatchObject({ model: 'offline', madeWithoutModel: true });
    const voice = await postFile(a, '/api/ai/transcribe', Buffer.from('x'), { field: 'audio', contentType: 'audio/webm' });
    expect(voice.status).toBe(503);
  });
});
