import type { ImportedInteraction } from '../src/shared/api/interactions.js';
import { createAiEngine } from '../src/server/modules/ai/engine.js';
import { createAiProvider } from '../src/server/modules/ai/provider.js';
import { createAiRepo } from '../src/server/modules/ai/ai.repo.js';
import { createOutboundClient } from '../src/server/platform/outbound/outbound-client.js';
import { createClassifyEventsRepo } from '../src/server/modules/ai/classify-events.repo.js';
import { classifyEventsContract, classifyEventsMessages } from '../src/server/modules/ai/classify-events.contract.js';
import { startFakeOpenAi } from '../test/fakes/fake-openai.js';
import { createTestApp } from '../test/support/app.js';
import { signUp, type TestClient } from '../test/support/client.js';

/**
 * Issue 14's benchmark of calendar classification, in one process on an in-memory embedded
 * database, against the fake OpenAI-compatible provider at a fixed latency per call:
 * - a 2,000-event calendar classified the product's way (rules, batches of 25, series asked once),
 * - the same calendar of a second user classified one call per event (every event, the same prompt
 *   with one event in it): the baseline, measured for real, not extrapolated,
 * - the first calendar classified again unchanged (calls: 0),
 * - the p99 of contacts-page reads while the first classification runs (same process and event loop).
 */

const CLIENTS = 150;
const LATENCY_MS = 50;

type Plan = { key: string; title: string; description: string; contact: number; day: number; hours: number; allDay: boolean; kind: string };

/** A practitioner's year: weekly series with clients, one-off sessions, and personal blocks (rules). */
function calendarPlan(events: number): Plan[] {
  const plan: Plan[] = [];
  const topics = ['sleep', 'anxiety', 'lower back pain', 'grief', 'stress at work', 'nutrition', 'posture', 'breathing'];
  const personal = ['Lunch', 'Focus time', 'Dentist', 'Flight to Lisbon', 'Gym', 'Admin block', 'School run', 'Haircut'];
  for (let i = 0; plan.length < events; i++) {
    const contact = i % CLIENTS;
    const kind = contact % 5 === 0 ? 'video' : contact % 7 === 0 ? 'phone' : 'in_person';
    if (i % 4 === 3) {
      // A personal block or a day off (a contact is on it: only events with contacts reach the timeline).
      const title = personal[i % personal.length]!;
      plan.push({ key: `p${i}`, title: `${title} with a friend`, description: '', contact, day: i % 360, hours: 1, allDay: false, kind });
    } else if (i % 4 === 2) {
      plan.push({
        key: `o${i}`,
        title: `Intake consultation ${i}`,
        description: `First session about ${topics[i % topics.length]}. Follow up with a breathing exercise. Reach them at client${contact}@example.test.`,
        contact,
        day: i % 360,
        hours: 1.5,
        allDay: false,
        kind,
      });
    } else {
      // Weekly series per client: the same title and notes every week.
      plan.push({
        key: `w${i}`,
        title: `Weekly session ${contact}`,
        description: `Ongoing work on ${topics[contact % topics.length]}.`,
        contact,
        day: (i * 7) % 360,
        hours: 1,
        allDay: false,
        kind,
      });
    }
  }
  return plan;
}

function entries(plan: Plan[], contactIds: string[]): ImportedInteraction[] {
  return plan.map((p) => {
    const start = new Date(Date.UTC(2030, 0, 1 + p.day, 9 + (p.key.length % 8)));
    const contactId = contactIds[p.contact]!;
    return {
      contactId,
      type: 'meeting' as const,
      subject: p.title,
      content: p.description,
      occurredAt: start.toISOString(),
      source: 'calendar' as const,
      sourceId: `primary:${p.key}:${contactId}`,
      metadata: {
        kind: p.kind,
        calendarId: 'primary',
        eventId: p.key,
        allDay: p.allDay,
        endsAt: new Date(start.getTime() + p.hours * 3_600_000).toISOString(),
      },
    };
  });
}

async function practice(client: TestClient): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const res = await client.post('/api/contacts', { name: `Bench Client ${i}`, emails: [`client${i}@example.test`] });
    ids.push(res.body.id);
  }
  await client.post('/api/contacts/bulk', { action: 'set_consent', ids, purpose: 'ai_processing', granted: true, method: 'form' });
  return ids;
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!) : 0;
};

type ClassifyBenchResult = {
  events: number;
  batched: { calls: number; inputTokens: number; outputTokens: number; wallMs: number; byRules: number; byModel: number };
  baseline: { calls: number; inputTokens: number; outputTokens: number; wallMs: number };
  again: { calls: number; wallMs: number };
  reads: { count: number; p99Ms: number };
  savedTokensPct: number;
  savedCallsPct: number;
};

export async function runClassifyBench(events = 2_000): Promise<ClassifyBenchResult> {
  const llm = await startFakeOpenAi();
  llm.setCompletionLatency(LATENCY_MS);
  const t = await createTestApp({
    DATABASE_URL: '',
    REDIS_URL: '',
    VALIDATE_RESPONSES: 'false',
    AI_BASE_URL: llm.url,
    AI_API_KEY: 'bench-key',
    AI_CONCURRENCY: '4',
    AI_DAILY_BUDGET_USD: '1000',
    AI_MONTHLY_BUDGET_USD: '10000',
  });
  try {
    const plan = calendarPlan(events);
    const a = await signUp(t.app, 'bench-classify');
    const b = await signUp(t.app, 'bench-baseline');
    await t.app.services.interactions.upsertMany(a.userId, entries(plan, await practice(a)));
    await t.app.services.interactions.upsertMany(b.userId, entries(plan, await practice(b)));

    // The product's way, with contacts-page reads going on meanwhile.
    let before = { ...llm.billed };
    let started = performance.now();
    let done = false;
    const running = a.post('/api/ai/classify/run').finally(() => {
      done = true;
    });
    const latencies: number[] = [];
    while (!done) {
      const s = performance.now();
      await a.get('/api/contacts?limit=50');
      latencies.push(performance.now() - s);
      // In process, a cached page answers on microtasks: give the event loop (the model calls' I/O) its turn.
      await new Promise((r) => setImmediate(r));
    }
    const run = (await running).body as { calls: number; byRules: number; byModel: number };
    const batched = {
      calls: llm.billed.calls - before.calls,
      inputTokens: llm.billed.input - before.input,
      outputTokens: llm.billed.output - before.output,
      wallMs: Math.round(performance.now() - started),
      byRules: run.byRules,
      byModel: run.byModel,
    };

    // Unchanged: again.
    before = { ...llm.billed };
    started = performance.now();
    await a.post('/api/ai/classify/run');
    const again = { calls: llm.billed.calls - before.calls, wallMs: Math.round(performance.now() - started) };

    // The baseline: every event of user B in its own call, the same prompt with one event.
    const { config } = t;
    // Its own outbound client: the app's already has the `llm` provider.
    const outbound = createOutboundClient();
    const engine = createAiEngine({
      repo: createAiRepo(t.database.db),
      provider: createAiProvider({ config: config.ai, outbound }),
      config: config.ai,
      clock: () => new Date(),
      onChange: t.app.services.onChange,
    });
    const pending = await createClassifyEventsRepo(t.database.db).pendingEvents(b.userId, { redoLocal: false, limit: events * 2 });
    before = { ...llm.billed };
    started = performance.now();
    for (let i = 0; i < pending.length; i += 16) {
      await Promise.all(
        pending.slice(i, i + 16).map((e) =>
          engine.ask({
            userId: b.userId,
            task: 'classify-events-baseline',
            tier: 'bulk',
            name: 'classify-events',
            contract: classifyEventsContract,
            contactIds: e.entries.map((x) => x.contactId),
            build: (mask) => classifyEventsMessages([e], mask),
          }),
        ),
      );
    }
    await outbound.close();
    const baseline = {
      calls: llm.billed.calls - before.calls,
      inputTokens: llm.billed.input - before.input,
      outputTokens: llm.billed.output - before.output,
      wallMs: Math.round(performance.now() - started),
    };
    const tokens = (x: { inputTokens: number; outputTokens: number }) => x.inputTokens + x.outputTokens;
    return {
      events: pending.length,
      batched,
      baseline,
      again,
      reads: { count: latencies.length, p99Ms: p99(latencies) },
      savedTokensPct: Math.round(1000 * (1 - tokens(batched) / tokens(baseline))) / 10,
      savedCallsPct: Math.round(1000 * (1 - batched.calls / baseline.calls)) / 10,
    };
  } finally {
    await t.close();
    await llm.close();
  }
}

/** `npx tsx bench/classify-events.ts [events]`: prints the figures as JSON. */
if (process.argv[1]?.endsWith('classify-events.ts')) {
  const n = Number(process.argv[2] ?? 2_000);
  console.log(JSON.stringify(await runClassifyBench(n), null, 2));
}
