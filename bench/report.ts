import fs from 'node:fs';
import path from 'node:path';

export type Row = {
  size: string;
  scenario: string;
  connections: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  statements: number | null;
  rssMb: number;
  ceilingReqPerSec?: number;
  /** The bare server's p99 for the same bytes: what this machine allows at this concurrency. */
  ceilingP99?: number;
  ceilingRatio?: number;
  verdict: string;
};

const fmt = (n: number | null | undefined, digits = 0) => (n === null || n === undefined ? '–' : n.toFixed(digits));

export function toMarkdown(rows: Row[], meta: Record<string, string>): string {
  const head = Object.entries(meta)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
  const lines = [
    head,
    '',
    '| size | scenario | c | req/s | p50 ms | p99 ms | errors | SQL/req | RSS MB | ceiling req/s | ceiling p99 ms | ratio | budget |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.size} | ${r.scenario} | ${r.connections} | ${r.reqPerSec} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${r.errors} | ${fmt(r.statements)} | ${r.rssMb} | ${fmt(r.ceilingReqPerSec)} | ${fmt(r.ceilingP99, 1)} | ${fmt(r.ceilingRatio, 2)} | ${r.verdict} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export function writeResults(rows: Row[], meta: Record<string, string>): { json: string; markdown: string } {
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = path.join(dir, `${stamp}.json`);
  const markdown = path.join(dir, `${stamp}.md`);
  fs.writeFileSync(json, JSON.stringify({ meta, rows }, null, 2));
  fs.writeFileSync(markdown, toMarkdown(rows, meta));
  fs.writeFileSync(path.join(dir, 'latest.md'), toMarkdown(rows, meta));
  return { json, markdown };
}
