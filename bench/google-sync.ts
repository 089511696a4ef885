import pino from 'pino';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/server/platform/db.js';
import { LIMITS } from '../src/server/platform/limits.js';
import { requestContext } from '../src/server/platform/request-context.js';
import { startFakeGoogle, type FakeEvent, type FakeGoogle } from '../test/fakes/fake-google.js';
import { startFakeOpenAi } from '../test/fakes/fake-openai.js';
import { createTestApp } from '../test/support/app.js';
import { signUp, type TestClient } from '../test/support/client.js';
import { statementCounter, total, writes } from '../test/support/statements.js';
import type { Size } from './sizes.js';
import { prepareTarget, type DatabaseChoice, type Target } from './targets.js';

/**
 * Issue 13's benchmark of Google sync, in the bench process against the fake Google at a fixed
 * latency per call (50 ms): an account with `events` events in 3 calendars (weekly series, one-off
 * and all-day sessions, cancelled events, attendees who are contacts with and without
 * `calendar_ingestion` consent, and strangers) and `messages` Gmail messages (clients with and
 * without `email_ingestion` consent, newsletters, no-reply senders, promotions). It measures:
 * - the first calendar sync's wall time, and the sync's SQL statements per stored timeline entry,
 * - a second calendar sync with nothing changed (wall time, writes by table, LLM calls),
 * - the first Gmail sync's wall time,
 * - the p99 of contacts-page reads while the first calendar sync runs (same process and event loop).
 * Statements are counted where the server counts them (the database's statement hook behind
 * `db_statements_total`); those of the page reads (inside a request) are left out.
 */

const CALENDARS = ['primary', 'work', 'groups'] as const;
const LATENCY_MS = 50;

export type GoogleSyncBenchResult = {
  database: DatabaseChoice;
  events: number;
  messages: number;
  first: { wallMs: number; entries: number; pages: number; statements: number; statementsPerEntry: number; byKind: Record<string, number> };
  second: { wallMs: number; statements: number; writes: Record<string, number>; llmCalls: number; changed: number };
  gmail: { wallMs: number; stored: number; entries: number; statements: number };
  reads: { count: number; p99Ms: number; syncMs: number };
};

const DAY = 86_400_000;
const dayAt = (base: number, day: number, hour: number) => new Date(base + day * DAY + hour * 3_600_000).toISOString();

/** A practitioner's year of calendars: weekly series per client, one-off and all-day sessions, cancellations. */
export function calendarEvents(
  count: number,
  clientEmails: string[],
  now = Date.now(),
): Array<{ calendarId: string; event: FakeEvent; cancel: boolean }> {
  const midnight = Math.floor(now / DAY) * DAY;
  const out: Array<{ calendarId: string; event: FakeEvent; cancel: boolean }> = [];
  for (let i = 0; out.length < count; i++) {
    const calendarId = CALENDARS[i % 10 < 5 ? 0 : i % 10 < 8 ? 1 : 2]!;
    const client = clientEmails[i % clientEmails.length]!;
    const other = clientEmails[(i * 7 + 3) % clientEmails.length]!;
    // Spread over the last 300 days and the next 65, so upcoming sessions exist too.
    const day = (i % 365) - 300;
    const attendees =
      i % 10 === 9
        ? [] // a personal block: nobody
        : [
            { email: i % 3 === 0 ? client.toUpperCase() : client, responseStatus: 'accepted' },
            ...(i % 4 === 0 ? [{ email: other }] : []),
            ...(i % 5 === 0 ? [{ email: `stranger${i}@elsewhere.test` }] : []),
          ];
    const base: FakeEvent = {
      id: `ev${i}`,
      summary: `Session ${i % 40}`,
      description: i % 2 ? `Notes for session ${i}: breathing, posture, follow-up.` : '',
      location: i % 6 === 0 ? 'https://meet.google.com/abc-defg-hij' : i % 6 === 1 ? '+44 20 7946 0000' : 'Studio 2',
      start: { dateTime: dayAt(midnight, day, 9 + (i % 8)) },
      end: { dateTime: dayAt(midnight, day, 10 + (i % 8)) },
      attendees,
      organizer: { email: 'me@gmail.test', self: true },
    };
    if (i % 20 === 7) {
      const date = dayAt(midnight, day, 0).slice(0, 10);
      out.push({ calendarId, cancel: false, event: { ...base, id: `allday${i}`, start: { date }, end: { date } } });
    } else if (i % 5 < 2) {
      // Weekly series: instances share the recurring event id, as singleEvents answers them.
      const series = `series${i % 30}`;
      const stamp = dayAt(midnight, day, 0).slice(0, 10).replace(/-/g, '');
      out.push({ calendarId, cancel: i % 50 === 1, event: { ...base, id: `${series}_${stamp}_${i}`, recurringEventId: series } });
    } else {
      out.push({ calendarId, cancel: i % 33 === 0, event: base });
    }
  }
  return out;
}

function seedGoogle(google: FakeGoogle, account: string, events: number, messages: number, clients: string[], others: string[]) {
  for (const { calendarId, event, cancel } of calendarEvents(events, [...clients, ...others])) {
    google.putEvent(account, calendarId, event);
    if (cancel) google.cancelEvent(account, calendarId, event.id);
  }
  const everyone = [...clients, ...others];
  for (let i = 0; i < messages; i++) {
    const peer = everyone[i % everyone.length]!;
    const inbound = i % 3 !== 0;
    const bulk = i % 10;
    google.putMessage(account, {
      id: `m${i.toString(16).padStart(8, '0')}`,
      threadId: `t${Math.floor(i / 3)}`,
      from: bulk === 8 ? 'no-reply@service.test' : inbound ? `Client <${peer}>` : account,
      to: inbound ? [account] : [peer],
      subject: `Re: session ${i % 50}`,
      date: new Date(Date.now() - (i % 80) * DAY - i * 1000).toISOString(),
      labelIds: bulk === 9 ? ['INBOX', 'CATEGORY_PROMOTIONS'] : ['INBOX'],
      ...(bulk === 7 ? { listUnsubscribe: '<https://news.test/unsubscribe>' } : {}),
      ...(i % 4 === 0 ? { html: `<p>Hello,</p><p>about our session ${i}.</p>` } : { text: `Hello, about our session ${i}.` }),
    });
  }
}

/** Contacts with and without consent; answers their emails. */
async function practice(client: TestClient, clients: number): Promise<{ consenting: string[]; others: string[] }> {
  const consenting: string[] = [];
  const others: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < clients; i++) {
    const email = `client${i}@example.test`;
    const res = await client.post('/api/contacts', { name: `Sync Client ${i}`, emails: [email] });
    if (res.status !== 201) throw new Error(`creating a contact: ${res.status}`);
    // Two in three agreed to calendar and email ingestion.
    if (i % 3 === 2) others.push(email);
    else {
      consenting.push(email);
      ids.push(res.body.id);
    }
  }
  for (let i = 0; i < ids.length; i += LIMITS.bulkIds) {
    for (const purpose of ['calendar_ingestion', 'email_ingestion']) {
      const res = await client.post('/api/contacts/bulk', {
        action: 'set_consent',
        ids: ids.slice(i, i + LIMITS.bulkIds),
        purpose,
        granted: true,
        method: 'form',
      });
      if (res.status !== 200) throw new Error(`granting consent: ${res.status} ${res.text.slice(0, 200)}`);
    }
  }
  return { consenting, others };
}

async function connect(client: TestClient, google: FakeGoogle, account: string) {
  google.authorizeAs(account);
  const start = await client.get('/api/google/connect?calendar=true&gmail=true');
  const back = new URL(await google.approve(String(start.headers.location)));
  const done = await client.get(back.pathname + back.search);
  if (done.status !== 302) throw new Error(`connecting Google: ${done.status}`);
  const chosen = await client.request('PUT', '/api/google/calendars', { calendarIds: [...CALENDARS] });
  if (chosen.status !== 200) throw new Error(`choosing calendars: ${chosen.status}`);
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!) : 0;
};

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: Math.round(performance.now() - started), value };
}

export async function runGoogleSyncBench(
  options: {
    database?: DatabaseChoice;
    events?: number;
    messages?: number;
    clients?: number;
    latencyMs?: number;
    /** PostgreSQL: use the database of DATABASE_URL as it is (its own users only) instead of creating one. */
    inPlace?: boolean;
  } = {},
): Promise<GoogleSyncBenchResult> {
  const database = options.database ?? 'embedded';
  const events = options.events ?? 2_000;
  const messages = options.messages ?? 5_000;
  const target: Pick<Target, 'env' | 'drop'> =
    options.inPlace && database !== 'embedded'
      ? { env: { DATABASE_URL: process.env.DATABASE_URL ?? '', REDIS_URL: '' }, drop: async () => undefined }
      : await prepareTarget(database, { name: 'google sync' } as Size, process.env);
  const google = await startFakeGoogle({ pageSize: LIMITS.google.eventsPageSize });
  const llm = await startFakeOpenAi();
  const counter = statementCounter();
  // Statements of the sync itself: those of the page reads run inside a request and are left out.
  const onStatement = (query: string) => {
    if (!requestContext.get()) counter.record(query);
  };
  const db = await openDatabase({
    databaseUrl: target.env.DATABASE_URL || undefined,
    dataDir: target.env.DATA_DIR || undefined,
    poolSize: 20,
    statementTimeoutMs: LIMITS.database.statementMs,
    onStatement,
    log: pino({ level: 'silent' }),
  });
  await db.migrate();
  const t = await createTestApp(
    {
      ...google.env(),
      DATABASE_URL: target.env.DATABASE_URL ?? '',
      REDIS_URL: target.env.REDIS_URL ?? '',
      VALIDATE_RESPONSES: 'false',
      AI_BASE_URL: llm.url,
      AI_API_KEY: 'bench-key',
    },
    db,
  );
  try {
    const { calendarSync, gmailSync } = t.app.services;
    /** A practitioner with the same practice and the same Google account contents as every other. */
    const practitioner = async (label: string) => {
      const account = `${label}@gmail.test`;
      google.addUser({ email: account, calendars: [...CALENDARS] });
      const client = await signUp(t.app, label);
      const { consenting, others } = await practice(client, options.clients ?? 150);
      await connect(client, google, account);
      google.setLatency(0);
      seedGoogle(google, account, events, messages, consenting, others);
      google.setLatency(options.latencyMs ?? LATENCY_MS);
      return client;
    };

    // First calendar sync, alone.
    const a = await practitioner('bench-sync');
    counter.take();
    const first = await timed(() => calendarSync.run(a.userId));
    const firstKinds = counter.take();
    if (!first.value) throw new Error('the first calendar sync failed');
    const firstStatements = total(firstKinds);

    // Nothing changed at Google: again.
    const billed = llm.billed.calls;
    const again = await timed(() => calendarSync.run(a.userId));
    const secondKinds = counter.take();
    if (!again.value) throw new Error('the second calendar sync failed');

    // Gmail's first sync (bounded window).
    const gmail = await timed(() => gmailSync.run(a.userId));
    const gmailKinds = counter.take();
    if (!gmail.value) throw new Error('the Gmail sync failed');

    // A second practitioner's first calendar sync, with their contacts page read back to back meanwhile.
    const b = await practitioner('bench-reads');
    let done = false;
    const started = performance.now();
    const running = calendarSync.run(b.userId).finally(() => {
      done = true;
    });
    const latencies: number[] = [];
    while (!done) {
      const s = performance.now();
      const res = await b.get('/api/contacts?limit=50');
      if (res.status !== 200) throw new Error(`contacts page: ${res.status}`);
      latencies.push(performance.now() - s);
      // In process, a cached page answers on microtasks: give the sync's I/O its turn.
      await new Promise((r) => setImmediate(r));
    }
    await running;
    const withReadsMs = Math.round(performance.now() - started);
    return {
      database,
      events,
      messages,
      first: {
        wallMs: first.ms,
        entries: first.value.inserted,
        pages: first.value.pages,
        statements: firstStatements,
        statementsPerEntry: Math.round((100 * firstStatements) / Math.max(1, first.value.inserted)) / 100,
        byKind: firstKinds,
      },
      second: {
        wallMs: again.ms,
        statements: total(secondKinds),
        writes: writes(secondKinds),
        llmCalls: llm.billed.calls - billed,
        changed: again.value.inserted + again.value.updated + again.value.removed,
      },
      gmail: { wallMs: gmail.ms, stored: gmail.value.stored, entries: gmail.value.inserted, statements: total(gmailKinds) },
      reads: { count: latencies.length, p99Ms: p99(latencies), syncMs: withReadsMs },
    };
  } finally {
    await t.close();
    await db.close();
    await target.drop();
    await google.close();
    await llm.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The median of each figure over several runs (a shared machine is noisy). */
export function medianOf(runs: GoogleSyncBenchResult[]) {
  const pick = (f: (r: GoogleSyncBenchResult) => number) => median(runs.map(f));
  return {
    firstMs: pick((r) => r.first.wallMs),
    statementsPerEntry: pick((r) => r.first.statementsPerEntry),
    secondMs: pick((r) => r.second.wallMs),
    gmailMs: pick((r) => r.gmail.wallMs),
    readsP99Ms: pick((r) => r.reads.p99Ms),
  };
}

/**
 * `npx tsx bench/google-sync.ts [--databases embedded,postgres] [--events 2000] [--messages 5000] [--runs 3] [--in-place]`:
 * prints each run and the medians as JSON.
 */
if (process.argv[1]?.endsWith('google-sync.ts')) {
  const { values } = parseArgs({
    options: {
      databases: { type: 'string', default: 'embedded' },
      events: { type: 'string', default: '2000' },
      messages: { type: 'string', default: '5000' },
      runs: { type: 'string', default: '1' },
      latency: { type: 'string', default: String(LATENCY_MS) },
      'in-place': { type: 'boolean', default: false },
    },
  });
  for (const database of values.databases.split(',') as DatabaseChoice[]) {
    const runs: GoogleSyncBenchResult[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      runs.push(
        await runGoogleSyncBench({
          database,
          events: Number(values.events),
          messages: Number(values.messages),
          latencyMs: Number(values.latency),
        }),
      );
      console.log(JSON.stringify(runs.at(-1)));
    }
    console.log(JSON.stringify({ database, median: medianOf(runs) }));
  }
}
