import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_LABELS, type DatabaseChoice } from './targets.js';

export type Row = {
  database: DatabaseChoice;
  size: string;
  scenario: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  statements: number | null;
  /** The server's RSS when the scenario started, the highest sampled during it (every 250 ms), and at its end. */
  rssStartMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  ceilingReqPerSec?: number;
  /** The bare server's p99 for the same bytes: what this machine allows at this concurrency. */
  ceilingP99?: number;
  ceilingRatio?: number;
  verdict: string;
};

/** The server process of one size on one database: seeding time, RSS when ready and signed in, and its high-water mark. */
export type ServerStart = {
  database: DatabaseChoice;
  size: string;
  seedSeconds: number;
  readyMb: number;
  signedInMb: number;
  /** VmHWM after the last scenario: the most the process ever held. */
  peakMb: number;
  /** The highest VmHWM of a child process (the photo worker, alive only while photos come). */
  childPeakMb?: number;
  /** At the end, from /metrics: V8's heap in use / reserved, and the embedded database's WebAssembly memory. */
  heapUsedMb?: number;
  heapTotalMb?: number;
  databaseMb?: number;
};

/** One run of a one-shot operation (an export, a merge): its wall time and the server's RSS around it. */
export type OperationRow = {
  database: DatabaseChoice;
  size: string;
  operation: string;
  wallMs: number;
  units: number;
  unit: string;
  note?: string;
  rssStartMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  /** After the operation, from /metrics: V8's heap in use / reserved, and the embedded database's WebAssembly memory. */
  heapUsedMb?: number;
  heapTotalMb?: number;
  databaseMb?: number;
};

export type Results = {
  meta: Record<string, string>;
  databases: DatabaseChoice[];
  starts: ServerStart[];
  rows: Row[];
  operations: OperationRow[];
};

const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : n.toFixed(digits));
const heapAndDatabase = (m: { heapUsedMb?: number; heapTotalMb?: number; databaseMb?: number }) =>
  m.heapTotalMb === undefined ? '–' : `${m.heapUsedMb} / ${m.heapTotalMb} · ${m.databaseMb || '–'}`;
const rss = (r: Row) => `${r.rssStartMb} / ${r.rssPeakMb} / ${r.rssAfterMb}`;

function detailTable(rows: Row[]): string[] {
  return [
    '| size | scenario | c | req/s | p50 ms | p99 ms | errors | SQL/req | RSS MB start / peak / after | ceiling req/s | ceiling p99 ms | ratio | budget |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.scenario} | ${r.connections} | ${r.reqPerSec} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${fmt(r.statements)} | ${rss(r)} | ${fmt(r.ceilingReqPerSec)} | ${fmt(r.ceilingP99, 1)} | ${fmt(r.ceilingRatio, 2)} | ${r.verdict} |`,
    ),
  ];
}

/** One line per size, scenario and concurrency; req/s, p99 and RSS of each database beside each other. */
function sideBySide(rows: Row[], databases: DatabaseChoice[]): string[] {
  const keys = [...new Map(rows.map((r) => [`${r.size}\u0000${r.scenario}\u0000${r.connections}`, r])).values()];
  const find = (k: Row, d: DatabaseChoice) =>
    rows.find((r) => r.database === d && r.size === k.size && r.scenario === k.scenario && r.connections === k.connections);
  const head = databases.map((d) => `${DATABASE_LABELS[d]}: req/s · p99 ms · RSS MB`);
  return [
    `| size | scenario | c | ${head.join(' | ')} |`,
    `|---|---|---|${databases.map(() => '---|').join('')}`,
    ...keys.map((k) => {
      const cells = databases.map((d) => {
        const r = find(k, d);
        return r ? `${r.reqPerSec} · ${fmt(r.p99, 1)} · ${rss(r)}${r.verdict.startsWith('miss') ? ' ✗' : ''}` : '–';
      });
      return `| ${k.size} | ${k.scenario} | ${k.connections} | ${cells.join(' | ')} |`;
    }),
  ];
}

export function toMarkdown(results: Results): string {
  const { meta, databases, starts, rows, operations } = results;
  const lines = [
    Object.entries(meta)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' · '),
    '',
    'Server process per size (RSS in MB):',
    '',
    '| database | size | seeding s | RSS ready | RSS signed in | RSS high-water mark | photo worker peak | at the end: JS heap used / reserved · database memory |',
    '|---|---|---|---|---|---|---|---|',
    ...starts.map(
      (s) =>
        `| ${DATABASE_LABELS[s.database]} | ${s.size} | ${s.seedSeconds.toFixed(0)} | ${s.readyMb} | ${s.signedInMb} | ${s.peakMb} | ${s.childPeakMb || '–'} | ${heapAndDatabase(s)} |`,
    ),
    '',
  ];
  if (databases.length > 1)
    lines.push('Side by side (✗: misses its budget, see the tables below):', '', ...sideBySide(rows, databases), '');
  for (const d of databases) {
    lines.push(`**${DATABASE_LABELS[d]}**`, '', ...detailTable(rows.filter((r) => r.database === d)), '');
  }
  if (operations.length) {
    lines.push(
      '**Operations** (one run each: wall time, and the server RSS in MB at its start, its peak and after)',
      '',
      '| database | size | operation | wall ms | handled | note | RSS MB start / peak / after | after: JS heap used / reserved · database memory |',
      '|---|---|---|---|---|---|---|---|',
      ...operations.map(
        (o) =>
          `| ${DATABASE_LABELS[o.database]} | ${o.size} | ${o.operation} | ${o.wallMs} | ${o.units.toLocaleString('en')} ${o.unit} | ${o.note ?? ''} | ${o.rssStartMb} / ${o.rssPeakMb} / ${o.rssAfterMb} | ${heapAndDatabase(o)} |`,
      ),
      '',
    );
  }
  return `${lines.join('\n')}`;
}

export function writeResults(results: Results): { json: string; markdown: string } {
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `${stamp}.json`);
  const markdown = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, JSON.stringify(results, null, 2));
  fs.writeFileSync(markdown, toMarkdown(results));
  fs.writeFileSync(path.join(dir, 'latest.md'), toMarkdown(results));
  return { json, markdown };
}
