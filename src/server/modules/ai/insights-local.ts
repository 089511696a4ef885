import { LIMITS } from '../../platform/limits.js';
import { CONTACT_INTERACTION_TYPES, DEFAULT_KEEP_IN_TOUCH_DAYS, type EngagementTrend } from '../../../shared/domain.js';
import type { InsightsAnswer } from './insights.contract.js';
import type { InsightInput } from './insights.repo.js';

const DAY_MS = 86_400_000;
const MAX = LIMITS.ai.insights.statements;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const quote = (s: string) => `"${s}"`;

/** From the counts of the last 30 days and the 30 before: a quarter more or less is a trend. */
export function engagementTrend(last30: number, previous30: number): EngagementTrend {
  if (last30 === 0 && previous30 === 0) return 'unknown';
  if (last30 > previous30 * 1.25) return 'rising';
  if (last30 < previous30 * 0.75) return 'declining';
  return 'steady';
}

/**
 * The offline insights (no API key, or nothing to send): assembled from the records by rules, in
 * the model's answer shape with refs, so the same citation check applies. Deterministic.
 */
export function localInsights(input: InsightInput, now: Date): InsightsAnswer {
  const entries = input.interactions.map((e, i) => ({ ...e, ref: `E${i + 1}` }));
  const goals = input.goals.map((g, i) => ({ ...g, ref: `G${i + 1}` }));
  const tasks = input.tasks.map((t, i) => ({ ...t, ref: `T${i + 1}` }));
  const daysSince = (iso: string) => Math.floor((now.getTime() - Date.parse(iso)) / DAY_MS);
  const nameOf = (e: (typeof entries)[number]) => e.subject || e.type.replace('_', ' ');
  const open = tasks.filter((t) => !['completed', 'cancelled'].includes(t.status));
  const activeGoals = goals.filter((g) => g.status === 'active');
  const lastContact = entries.find((e) => (CONTACT_INTERACTION_TYPES as readonly string[]).includes(e.type));
  const cadence = input.contact.cadenceDays ?? DEFAULT_KEEP_IN_TOUCH_DAYS[input.contact.stage];

  const summary: InsightsAnswer['summary'] = [];
  const [latest] = entries;
  if (latest) {
    summary.push({
      text: `${plural(entries.length, 'recent timeline entry', 'recent timeline entries')}; the latest, ${quote(nameOf(latest))}, on ${latest.occurredAt.slice(0, 10)}.`,
      refs: entries.slice(0, 3).map((e) => e.ref),
    });
  }
  if (activeGoals.length) {
    summary.push({
      text: `Working on ${plural(activeGoals.length, 'goal')}: ${activeGoals.map((g) => quote(g.title)).join(', ')}.`,
      refs: activeGoals.map((g) => g.ref),
    });
  }
  if (open.length) summary.push({ text: `${plural(open.length, 'open task')}.`, refs: open.map((t) => t.ref) });

  const risks: InsightsAnswer['risks'] = [];
  for (const t of open.filter((t) => t.dueAt && Date.parse(t.dueAt) < now.getTime())) {
    risks.push({ text: `${quote(t.title)} is overdue (due ${t.dueAt?.slice(0, 10)}).`, refs: [t.ref] });
  }
  for (const g of activeGoals.filter((g) => g.deadline && g.deadline < now.toISOString().slice(0, 10))) {
    risks.push({ text: `The goal ${quote(g.title)} passed its deadline (${g.deadline}).`, refs: [g.ref] });
  }
  const scored = entries.filter((e) => e.sentiment !== null).slice(0, 3);
  const mood = scored.reduce((n, e) => n + (e.sentiment ?? 0), 0) / (scored.length || 1);
  if (scored.length && mood <= 2.5) {
    risks.push({ text: `Recent entries read negative (average mood ${mood.toFixed(1)} of 5).`, refs: scored.map((e) => e.ref) });
  }
  if (lastContact && daysSince(lastContact.occurredAt) > cadence) {
    risks.push({
      text: `No session, call or email for ${daysSince(lastContact.occurredAt)} days, longer than the ${cadence}-day rhythm.`,
      refs: [lastContact.ref],
    });
  }

  const nextSteps: InsightsAnswer['nextSteps'] = [
    ...open.slice(0, 3).map((t) => ({ text: `Do ${quote(t.title)}${t.dueAt ? ` by ${t.dueAt.slice(0, 10)}` : ''}.`, refs: [t.ref] })),
    ...activeGoals.slice(0, 2).map((g) => ({
      text: `Check progress on ${quote(g.title)}${g.targetValue === null ? '' : ` (${g.currentValue} of ${g.targetValue}${g.unit ? ` ${g.unit}` : ''})`}.`,
      refs: [g.ref],
    })),
  ];

  const { last30, previous30 } = input.recent;
  const withinDays = lastContact ? Math.max(0, cadence - daysSince(lastContact.occurredAt)) : 0;
  return {
    summary: summary.slice(0, MAX),
    engagement: {
      trend: engagementTrend(last30, previous30),
      text: `${plural(last30, 'entry', 'entries')} in the last 30 days, ${previous30} in the 30 days before.`,
      refs: entries
        .filter((e) => daysSince(e.occurredAt) < 60)
        .slice(0, 5)
        .map((e) => e.ref),
    },
    risks: risks.slice(0, MAX),
    nextSteps: nextSteps.slice(0, MAX),
    nextSession: lastContact
      ? {
          withinDays,
          text: `On a ${cadence}-day rhythm, with the last contact ${plural(daysSince(lastContact.occurredAt), 'day')} ago.`,
          refs: [lastContact.ref],
        }
      : { withinDays, text: 'No session, call or email recorded yet: book a first one soon.', refs: [] },
  };
}
