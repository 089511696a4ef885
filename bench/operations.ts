import type { BenchContext } from './scenarios.js';

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
  run(url: string, ctx: BenchContext, seededRows: number): Promise<OperationResult[]>;
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

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: Math.round(performance.now() - started), value };
}

const MERGE_INTERACTIONS = 1_000;

export const OPERATIONS: Operation[] = [
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
