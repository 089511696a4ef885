import type { Row } from './report.js';
import type { Scenario } from './scenarios.js';

const RSS_BUDGET_MB = 250;

/** Marks a row against its scenario's budget (the performance rules of ARCHITECTURE.md, issue 5); reports, never throws. */
export function judge(row: Omit<Row, 'verdict'> & { verdict?: string }, scenario: Scenario): Row {
  const misses: string[] = [];
  const b = scenario.budget;
  const isLoaded = row.connections >= 50 || scenario.coldWith !== undefined;
  if (b?.p99Ms !== undefined && isLoaded && row.p99 > b.p99Ms) misses.push(`p99 > ${b.p99Ms} ms`);
  if (b?.minCeilingRatio !== undefined && row.ceilingRatio !== undefined && row.connections >= 50 && row.ceilingRatio < b.minCeilingRatio) {
    misses.push(`ratio < ${b.minCeilingRatio.toFixed(2)}`);
  }
  if (b?.statements !== undefined && row.statements !== null && row.statements > b.statements) misses.push(`SQL > ${b.statements}`);
  if (row.errors > 0) misses.push('errors');
  if (row.rssPeakMb > RSS_BUDGET_MB) misses.push(`RSS > ${RSS_BUDGET_MB} MB`);
  const hasBudget = b !== undefined || row.errors > 0;
  return { ...row, statements: row.statements ?? null, verdict: misses.length ? `miss: ${misses.join(', ')}` : hasBudget ? 'ok' : '–' };
}

/**
 * Issue 5: the contacts page across 100 tenants stays within 1.5× of the single 10,000-contact
 * user's figures (p99 and throughput at c=50). Marks the many-tenants row when both were measured.
 */
export function judgeTenantScaling(rows: Row[], single: { size: string; scenario: string }, multi: { size: string; scenario: string }) {
  const at50 = (r: Row, w: { size: string; scenario: string }) => r.size === w.size && r.scenario === w.scenario && r.connections === 50;
  const one = rows.find((r) => at50(r, single));
  const many = rows.find((r) => at50(r, multi));
  if (!one || !many) return;
  const misses: string[] = [];
  if (many.p99 > one.p99 * 1.5) misses.push(`p99 > 1.5× single user (${one.p99} ms)`);
  if (many.reqPerSec < one.reqPerSec / 1.5) misses.push(`req/s < single user / 1.5 (${one.reqPerSec})`);
  const verdict = misses.length ? `miss: ${misses.join(', ')}` : `ok (vs ${one.p99} ms, ${one.reqPerSec} req/s single user)`;
  many.verdict = many.verdict === '–' || many.verdict === 'ok' ? verdict : `${many.verdict}; ${verdict}`;
}
