import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';
import type { ImportedInteraction } from '../../src/shared/api/interactions.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { signUp, type TestClient } from '../support/client.js';
import { createContact } from '../support/contacts.js';
import type { FakeOpenAi } from '../fakes/fake-openai.js';
import { startAiApp } from '../support/ai-app.js';

type Client = TestClient & { userId: string };
type Ev = {
  key: string;
  title: string;
  contacts: string[];
  day: number;
  hours?: number;
  description?: string;
  allDay?: boolean;
  kind?: string;
};

/** Meeting entries as the Google calendar sync writes them: one per event × contact, through the interactions service. */
async function putEvents(t: TestApp, userId: string, events: Ev[]) {
  const items: ImportedInteraction[] = events.flatMap((e) => {
    const start = new Date(Date.UTC(2030, 0, 1 + e.day, 10));
    return e.contacts.map((contactId) => ({
      contactId,
      type: 'meeting' as const,
      subject: e.title,
      content: e.description ?? '',
      occurredAt: start.toISOString(),
      source: 'calendar' as const,
      sourceId: `primary:${e.key}:${contactId}`,
      metadata: {
        kind: e.kind ?? 'in_person',
        calendarId: 'primary',
        eventId: e.key,
        allDay: e.allDay ?? false,
        endsAt: new Date(start.getTime() + (e.hours ?? 1) * 3_600_000).toISOString(),
      },
    }));
  });
  await t.app.services.interactions.upsertMany(userId, items);
}

async function contactsOf(c: Client, n: number, label: string, aiConsent: boolean) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const contact = await createContact(c, { name: `${label} ${i}`, emails: [`${label.toLowerCase()}-${i}@client.test`] });
    ids.push(contact.id);
  }
  if (aiConsent) {
    const res = await c.post('/api/contacts/bulk', { action: 'set_consent', ids, purpose: 'ai_processing', granted: true, method: 'form' });
    expect(res.status, res.text).toBe(200);
  }
  return ids;
}

const entriesAi = (t: TestApp, userId: string) =>
  queryRows<{ source_id: string; ai: { method: string; isSession: boolean; sessionType: string } | null }>(
    t.database.db,
    sql`select source_id, metadata->'ai' as ai from interactions where user_id = ${userId} and source = 'calendar' order by source_id`,
  );

const eventsInPrompt = (llm: FakeOpenAi, from: number) =>
  llm.completions.slice(from).map((c) => {
    const user = c.messages.find((m) => m.role === 'user')!.content;
    return (JSON.parse(user.slice(user.indexOf('{"events"'))) as { events: Array<{ title: string }> }).events;
  });

describe('calendar event classification against the fake provider', () => {
  let t: TestApp;
  let llm: FakeOpenAi;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => ({ t, llm, close } = await startAiApp()));
  afterAll(() => close?.());

  it('sends only rule-passing, consenting events, ≤25 per call, bills exactly, never sends an unchanged event again', async () => {
    const a = (await signUp(t.app, 'classify')) as Client;
    const clients = await contactsOf(a, 10, 'Client', true);
    const [secret] = await contactsOf(a, 1, 'Secretperson', false);
    const events: Ev[] = [];
    // 55 distinct sessions (one mentions another person's email and a phone number in its notes).
    for (let i = 0; i < 55; i++) {
      events.push({
        key: `s${i}`,
        title: `Session ${i} on sleep`,
        contacts: [clients[i % 10]!],
        day: i,
        description: i === 0 ? 'follow up: write to secretperson-0@client.test or call +44 20 7946 0958' : '',
      });
    }
    // A weekly series: 6 occurrences that differ only in their times (asked once).
    for (let w = 0; w < 6; w++) events.push({ key: `w${w}`, title: 'Weekly group breathing', contacts: clients.slice(0, 3), day: 7 * w });
    // Obvious non-client events: rules, never a prompt.
    events.push(
      { key: 'r1', title: 'Dentist rule-marker-1', contacts: [clients[0]!], day: 1 },
      { key: 'r2', title: 'Focus time rule-marker-2', contacts: [clients[1]!], day: 2 },
      { key: 'r3', title: 'Lunch rule-marker-3', contacts: [clients[2]!], day: 3 },
      { key: 'r4', title: 'Flight to Lisbon rule-marker-4', contacts: [clients[3]!], day: 4 },
      { key: 'r5', title: 'Summer rule-marker-5', contacts: [clients[4]!], day: 5, allDay: true },
    );
    // A session with a contact without AI consent: rules only, neither its name nor its email in a prompt.
    events.push({ key: 'x1', title: 'Session consent-marker-x', contacts: [clients[5]!, secret!], day: 9 });
    await putEvents(t, a.userId, events);

    const from = llm.completions.length;
    const billed = { ...llm.billed };
    const run = await a.post('/api/ai/classify/run');
    expect(run.status, run.text).toBe(200);
    // 55 + 1 distinct events to the model: ceil(56 / 25) = 3 calls.
    expect(run.body).toMatchObject({
      calls: 3,
      byModel: 61,
      byRules: 6,
      cached: 0,
      classified: 67,
      madeWithoutModel: false,
      remaining: false,
    });
    const batches = eventsInPrompt(llm, from);
    expect(batches).toHaveLength(3);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(25);
    expect(batches.flat()).toHaveLength(56);
    expect(llm.completions.slice(from).every((c) => c.schemaName === 'classify-events' && c.model === 'openai/gpt-4o-mini')).toBe(true);
    const text = llm.promptText();
    for (const marker of ['rule-marker', 'consent-marker', 'Secretperson', 'secretperson-0@client.test', '7946'])
      expect(text).not.toContain(marker);
    expect(text).toContain('[EMAIL_1]');

    // Usage rows equal what the fake billed.
    const usage = await a.get('/api/ai/usage');
    const task = usage.body.byTask.find((x: { task: string }) => x.task === 'classify-events');
    expect(task).toMatchObject({ calls: 3, inputTokens: llm.billed.input - billed.input, outputTokens: llm.billed.output - billed.output });

    // The conclusions are on the timeline entries.
    const entries = new Map((await entriesAi(t, a.userId)).map((r) => [r.source_id, r.ai]));
    expect(entries.get(`primary:s1:${clients[1]}`)).toMatchObject({ method: 'model', isSession: true, sessionType: 'in_person' });
    expect(entries.get(`primary:w3:${clients[2]}`)).toMatchObject({ method: 'model', isSession: true, sessionType: 'group' });
    expect(entries.get(`primary:r1:${clients[0]}`)).toMatchObject({ method: 'rules', isSession: false, sessionType: 'none' });
    expect(entries.get(`primary:x1:${secret}`)).toMatchObject({ method: 'consent' });
    expect([...entries.values()].every((v) => v !== null)).toBe(true);

    // Unchanged: no call at all.
    const again = await a.post('/api/ai/classify/run');
    expect(again.body).toMatchObject({ classified: 0, calls: 0 });
    expect(llm.completions.length - from).toBe(3);

    // One changed event: one call holding only it.
    await putEvents(t, a.userId, [{ key: 's7', title: 'Session 7 moved, about anxiety', contacts: [clients[7]!], day: 40 }]);
    const changed = await a.post('/api/ai/classify/run');
    expect(changed.body).toMatchObject({ classified: 1, byModel: 1, calls: 1 });
    const [only] = eventsInPrompt(llm, from + 3);
    expect(only!.map((e) => e.title)).toEqual(['Session 7 moved, about anxiety']);

    // Entries that lost their conclusion (written before classification existed) with an event already
    // classified: the stored result by content hash, no call.
    await t.database.db.execute(
      sql`update interactions set metadata = metadata - 'ai' where user_id = ${a.userId} and source_id like 'primary:s9:%'`,
    );
    const resync = await a.post('/api/ai/classify/run');
    expect(resync.body).toMatchObject({ classified: 1, cached: 1, calls: 0 });

    // The stored results, paged.
    const page = await a.get('/api/ai/classifications?limit=50');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(50);
    const next = await a.get(`/api/ai/classifications?limit=50&cursor=${encodeURIComponent(page.body.nextCursor)}`);
    const all = [...page.body.items, ...next.body.items];
    // 67 events (the series' 6 occurrences each keep theirs) + the changed one's new content.
    expect(all).toHaveLength(68);
    const s0 = all.find((x: { eventKey: string }) => x.eventKey === 'primary:s0@calendar');
    expect(s0).toMatchObject({
      method: 'model',
      madeWithoutModel: false,
      result: { isClientSession: true, clientContactIds: [clients[0]] },
    });
    expect(s0.result.followUps).toEqual(['Follow up with the client']);
    expect(all.find((x: { eventKey: string }) => x.eventKey === 'primary:r2@calendar')).toMatchObject({
      method: 'rules',
      result: { isClientSession: false, reason: 'time block' },
    });
    expect((await a.get('/api/ai/classifications?limit=0')).status).toBe(400);

    // Another user sees none of it; erasing a contact erases the classifications naming it.
    const b = await signUp(t.app, 'classify-b');
    expect((await b.get('/api/ai/classifications')).body.items).toEqual([]);
    expect((await a.delete(`/api/contacts/${secret}`)).status).toBe(204);
    const after = await queryRows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from ai_event_classifications where user_id = ${a.userId} and ${secret}::uuid = any(contact_ids)`,
    );
    expect(after[0]!.n).toBe(0);
  });
});

describe('calendar event classification offline (no API key)', () => {
  it('classifies by rules only, says it was made without a model, and calls nobody', async () => {
    const t = await createTestApp({ AI_API_KEY: '' });
    try {
      const a = (await signUp(t.app, 'classify-offline')) as Client;
      const clients = await contactsOf(a, 4, 'Offline', true);
      await putEvents(t, a.userId, [
        { key: 'o1', title: 'Session about stress', contacts: [clients[0]!], day: 1, kind: 'video' },
        { key: 'o2', title: 'Lunch', contacts: [clients[1]!], day: 2 },
        { key: 'o3', title: 'Yin class', contacts: clients.slice(0, 3), day: 3 },
      ]);
      const run = await a.post('/api/ai/classify/run');
      expect(run.body).toMatchObject({ classified: 3, byRules: 3, byModel: 0, calls: 0, model: 'offline', madeWithoutModel: true });
      const items = (await a.get('/api/ai/classifications')).body.items as Array<{ eventKey: string; method: string; result: object }>;
      const byKey = new Map(items.map((x) => [x.eventKey, x]));
      expect(byKey.get('primary:o1@calendar')).toMatchObject({
        method: 'offline',
        madeWithoutModel: true,
        result: { isClientSession: true, sessionType: 'video', topics: ['stress'] },
      });
      expect(byKey.get('primary:o2@calendar')).toMatchObject({ method: 'rules', result: { isClientSession: false } });
      expect(byKey.get('primary:o3@calendar')).toMatchObject({ result: { sessionType: 'group' } });
      const usage = await a.get('/api/ai/usage');
      expect(usage.body.byTask).toEqual([{ task: 'classify-events', calls: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 }]);
      expect((await a.post('/api/ai/classify/run')).body.classified).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('stores and marks every event of a run larger than one write statement', async () => {
    const t = await createTestApp({ AI_API_KEY: '' });
    try {
      const a = (await signUp(t.app, 'classify-many')) as Client;
      const clients = await contactsOf(a, 3, 'Many', true);
      // Two and a half write statements of events, each on one or two contacts; events 300 apart are
      // identical (same title, day and people, as a calendar imported twice has), so they share a hash.
      const n = Math.round(LIMITS.ai.classifyWriteRows * 2.5);
      const events = Array.from({ length: n }, (_, i) => ({
        key: `m${i}`,
        title: i % 2 ? 'Coaching session' : 'Lunch',
        contacts: i % 3 ? [clients[i % 3]!] : clients.slice(0, 2),
        day: i % 300,
      }));
      await putEvents(t, a.userId, events);
      const run = await a.post('/api/ai/classify/run');
      expect(run.body).toMatchObject({ classified: n, byModel: 0 });
      const entries = await entriesAi(t, a.userId);
      expect(entries.length).toBe(events.reduce((sum, e) => sum + e.contacts.length, 0));
      expect(entries.filter((e) => e.ai === null)).toEqual([]);
      const [stored] = await queryRows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from ai_event_classifications where user_id = ${a.userId}`,
      );
      expect(stored!.n).toBe(300);
      expect((await a.post('/api/ai/classify/run')).body.classified).toBe(0);
    } finally {
      await t.close();
    }
  });
});
