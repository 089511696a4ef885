import { calendarIcs } from './context.js';
import { runClassifyBench } from './classify-events.js';
import { runGoogleSyncBench } from './google-sync.js';
import type { BenchContext } from './scenarios.js';
import type { Size } from './sizes.js';
import type { DatabaseChoice } from './targets.js';

/** What one run of an operation did: its wall time, and how much it handled (rows, bytes, events). */
export type OperationResult = {
  wallMs: number;
  units: number;
  unit: string;
  note?: string /** A second step of the operation (its undo). */;
  step?: string;
};

/**
 * A one-shot piece of work measured by wall time rather than by a request rate: an export, a
 * merge, an import, a sync. Runs after the scenarios of a size, on the same server and data.
 */
export type Operation = {
  name: string;
  needs: string[];
  run(url: string, ctx: BenchContext, seededRows: number, where: { database: DatabaseChoice; size: Size }): Promise<OperationResult[]>;
};

async function call(url: string, ctx: BenchContext, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...ctx.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${method} ${path.split('?')[0]}: ${res.status} ${bytes.toString('utf8').slice(0, 200)}`);
  return bytes;
}

/** Latencies of one GET repeated back to back until `until` settles, and how many were shed (503). */
async function readWhile(url: string, ctx: BenchContext, path: string, until: Promise<unknown>): Promise<number[] & { shed?: number }> {
  const latencies: number[] & { shed?: number } = [];
  latencies.shed = 0;
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    const started = performance.now();
    const res = await fetch(`${url}${path}`, { headers: ctx.headers });
    await res.arrayBuffer();
    if (res.status === 503) latencies.shed += 1;
    else if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const p99 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!) : 0;
};

/** A Google Contacts export of `n` people, with accents, several emails and phones, a quoted note. */
function googleContactsCsv(n: number): Buffer {
  const lines = ['Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Notes'];
  for (let i = 0; i < n; i++) {
    const given = ['Zoë', 'José', 'Anna', 'Małgorzata', 'Chloé', 'Ólafur'][i % 6]!;
    lines.push(
      `${given} Import${i},${given},Import${i},* home,import-${i}@bench.example,Mobile,+44 7700 ${String(900000 + i).slice(-6)},"Met at a retreat, ""yin"" class\nsecond line"`,
    );
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n`);
}

async function postFile(url: string, ctx: BenchContext, path: string, file: Buffer, filename: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)]), filename);
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: ctx.headers, body: form });
  const body = (await res.json()) as { id: string };
  if (!res.ok) throw new Error(`POST ${path}: ${res.status}`);
  return body;
}

type ImportState = { status: string; report: { created: number; failed: number } };

/** Polls an import until it ends. */
async function waitForImport(url: string, ctx: BenchContext, id: string): Promise<ImportState> {
  for (;;) {
    const res = await fetch(`${url}/api/imports/${id}`, { headers: ctx.headers });
    const body = await res.text();
    // A busy server sheds (503): ask again, as the web app does.
    if (res.status !== 503) {
      if (!res.ok) throw new Error(`GET /api/imports/:id: ${res.status} ${body.slice(0, 200)}`);
      const state = JSON.parse(body) as ImportState;
      if (state.status === 'finished' || state.status === 'failed') return state;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: Math.round(performance.now() - started), value };
}

const MERGE_INTERACTIONS = 1_000;
const IMPORT_ROWS = 10_000;

export const OPERATIONS: Operation[] = [
  {
    // Issue 13: Google sync of a practitioner's account (in process, fake Google at 50 ms a call, on
    // a fresh database of the size's kind). The quick size syncs a small account so CI stays fast.
    name: 'Google sync (fake Google, 50 ms a call)',
    needs: ['POST /api/sync/{service}'],
    run: async (_url, _ctx, _rows, { database, size }) => {
      const quick = size.name === 'quick';
      const r = await runGoogleSyncBench({ database, events: quick ? 200 : 2_000, messages: quick ? 200 : 5_000 });
      const events = `${r.events.toLocaleString('en')} events in 3 calendars`;
      return [
        {
          step: 'first calendar sync',
          wallMs: r.first.wallMs,
          units: r.first.entries,
          unit: 'timeline entries',
          note: `${events}, ${r.first.pages} pages; ${r.first.statements} statements (${r.first.statementsPerEntry} per entry)`,
        },
        {
          step: 'calendar again, unchanged',
          wallMs: r.second.wallMs,
          units: 0,
          unit: 'changes',
          note: `writes ${JSON.stringify(r.second.writes)}, ${r.second.llmCalls} LLM calls, ${r.second.statements} statements`,
        },
        {
          step: 'first Gmail sync',
          wallMs: r.gmail.wallMs,
          units: r.messages,
          unit: 'messages',
          note: `${r.gmail.stored} stored, ${r.gmail.entries} timeline entries, ${r.gmail.statements} statements`,
        },
        {
          step: 'contacts page while a first calendar sync runs',
          wallMs: r.reads.syncMs,
          units: r.reads.count,
          unit: 'reads',
          note: `p99 ${r.reads.p99Ms} ms (same process; the sync took the wall time shown)`,
        },
      ];
    },
  },
  {
    // Issue 14: a 2,000-event calendar classified against one call per event (in process, fake provider at 50 ms a call).
    name: 'classify a 2,000-event calendar (AI)',
    needs: ['POST /api/ai/classify/run'],
    run: async () => {
      const r = await runClassifyBench(2_000);
      const t = (x: { inputTokens: number; outputTokens: number }) =>
        `${x.inputTokens.toLocaleString('en')} in + ${x.outputTokens.toLocaleString('en')} out tokens`;
      return [
        {
          step: 'rules + batches of 25',
          wallMs: r.batched.wallMs,
          units: r.events,
          unit: 'events',
          note: `${r.batched.calls} calls, ${t(r.batched)}; ${r.batched.byRules} by rules; contacts page p99 ${r.reads.p99Ms} ms over ${r.reads.count} reads meanwhile`,
        },
        {
          step: 'one call per event (baseline)',
          wallMs: r.baseline.wallMs,
          units: r.events,
          unit: 'events',
          note: `${r.baseline.calls} calls, ${t(r.baseline)}`,
        },
        {
          step: 'again, unchanged',
          wallMs: r.again.wallMs,
          units: r.events,
          unit: 'events',
          note: `${r.again.calls} calls; saved vs baseline: ${r.savedTokensPct}% tokens, ${r.savedCallsPct}% calls`,
        },
      ];
    },
  },
  {
    // Issue 12: a practitioner's whole address book arriving at once, while they keep working.
    name: `import a ${IMPORT_ROWS.toLocaleString('en')}-row Google Contacts CSV`,
    needs: ['POST /api/imports', 'GET /api/imports/{id}'],
    run: async (url, ctx) => {
      const csv = googleContactsCsv(IMPORT_ROWS);
      const started = performance.now();
      const job = await postFile(url, ctx, '/api/imports', csv, 'google.csv');
      const finished = waitForImport(url, ctx, job.id);
      const reads = await readWhile(url, ctx, '/api/contacts?limit=50', finished);
      const state = await finished;
      const ms = Math.round(performance.now() - started);
      const note = `${state.status}: ${state.report.created} created, ${state.report.failed} failed; ${Math.round((IMPORT_ROWS * 1000) / ms)} rows/s; contacts page p99 ${p99(reads)} ms over ${reads.length} reads meanwhile (${reads.shed} shed)`;
      return [{ wallMs: ms, units: IMPORT_ROWS, unit: 'rows', note }];
    },
  },
  {
    // Issue 12: a calendar export arriving, its events with 200 clients who gave calendar consent.
    name: 'import a 2,000-event ICS',
    needs: ['POST /api/imports', 'GET /api/imports/{id}', 'POST /api/contacts/bulk'],
    run: async (url, ctx) => {
      const page = JSON.parse((await call(url, ctx, 'GET', '/api/contacts?limit=200')).toString()) as {
        items: { id: string; emails: string[] }[];
      };
      const clients = page.items.filter((c) => c.emails.length);
      await call(url, ctx, 'POST', '/api/contacts/bulk', {
        action: 'set_consent',
        ids: clients.map((c) => c.id),
        purpose: 'calendar_ingestion',
        granted: true,
        method: 'form',
      });
      const ics = Buffer.from(
        calendarIcs(
          2_000,
          clients.map((c) => c.emails[0]!),
        ),
      );
      const started = performance.now();
      const job = await postFile(url, ctx, '/api/imports', ics, 'calendar.ics');
      const finished = waitForImport(url, ctx, job.id);
      const reads = await readWhile(url, ctx, '/api/contacts?limit=50', finished);
      const state = await finished;
      const ms = Math.round(performance.now() - started);
      const calendar = (state.report as { calendar?: { occurrences: number; created: number } }).calendar;
      const note = `${state.status}: ${calendar?.occurrences ?? 0} occurrences, ${calendar?.created ?? 0} timeline entries; contacts page p99 ${p99(reads)} ms over ${reads.length} reads meanwhile (${reads.shed} shed)`;
      return [{ wallMs: ms, units: 2_000, unit: 'events', note }];
    },
  },
  {
    // Issue 12: the whole address book out again, in both formats.
    name: 'contacts export',
    needs: ['GET /api/contacts/export.vcf', 'GET /api/contacts/export.csv'],
    run: async (url, ctx) => {
      const results: OperationResult[] = [];
      for (const [step, path] of [
        ['vCard 4.0', '/api/contacts/export.vcf'],
        ['CSV', '/api/contacts/export.csv'],
      ] as const) {
        const { ms, value } = await timed(() => call(url, ctx, 'GET', path));
        const text = value.toString('utf8');
        const contacts = step === 'CSV' ? text.split('\r\n').filter(Boolean).length - 1 : text.split('BEGIN:VCARD').length - 1;
        results.push({
          wallMs: ms,
          units: contacts,
          unit: 'contacts',
          step,
          note: `${(value.length / 1e6).toFixed(1)} MB, ${Math.round((contacts * 1000) / Math.max(1, ms))} contacts/s`,
        });
      }
      return results;
    },
  },
  {
    // Issue 11: the whole account as a ZIP, read as fast as the client can.
    name: 'account export (ZIP)',
    needs: ['GET /api/export'],
    run: async (url, ctx, seededRows) => {
      const { ms, value } = await timed(() => call(url, ctx, 'GET', '/api/export'));
      const note = `${(value.length / 1e6).toFixed(1)} MB, ${Math.round((seededRows * 1000) / Math.max(1, ms))} rows/s`;
      return [{ wallMs: ms, units: seededRows, unit: 'rows', note }];
    },
  },
  {
    // Issue 11: a client entered twice, one copy with a long history; then the undo.
    name: `merge a contact with ${MERGE_INTERACTIONS.toLocaleString('en')} interactions`,
    needs: ['POST /api/contacts/merge', 'POST /api/merges/{id}/undo', 'POST /api/interactions'],
    run: async (url, ctx) => {
      const create = async (name: string) =>
        (
          JSON.parse(
            (await call(url, ctx, 'POST', '/api/contacts', { name, emails: [`${crypto.randomUUID()}@bench.test`] })).toString(),
          ) as { id: string }
        ).id;
      const [kept, merged] = [await create('Bench Merge Kept'), await create('Bench Merge Twin')];
      for (let i = 0; i < MERGE_INTERACTIONS; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, (_, k) =>
            call(url, ctx, 'POST', '/api/interactions', { contactId: merged, type: 'note', subject: `history ${i + k}` }),
          ),
        );
      }
      const merge = await timed(() => call(url, ctx, 'POST', '/api/contacts/merge', { primaryId: kept, contactIds: [merged] }));
      const { mergeId } = JSON.parse(merge.value.toString()) as { mergeId: string };
      const undo = await timed(() => call(url, ctx, 'POST', `/api/merges/${mergeId}/undo`));
      return [
        { wallMs: merge.ms, units: MERGE_INTERACTIONS, unit: 'interactions moved' },
        { wallMs: undo.ms, units: MERGE_INTERACTIONS, unit: 'interactions restored', step: 'undo' },
      ];
    },
  },
];
