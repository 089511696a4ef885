import type { Row } from './report.js';
import type { Scenario } from './scenarios.js';

const RSS_BUDGET_MB = 250;

/** Marks a row against its scenario's budget (DESIGN.md §6, issue 5); reports, never throws. */
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
  if (row.rssMb > RSS_BUDGET_MB) misses.push(`RSS > ${RSS_BUDGET_MB} MB`);
  const hasBudget = b !== undefined || row.errors > 0;
  return { ...row, statements: row.statements ?? null, verdict: misses.length ? `miss: ${misses.join(', ')}` : hasBudget ? 'ok' : '–' };
}
