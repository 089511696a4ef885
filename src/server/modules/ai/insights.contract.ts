import { z } from 'zod';
import { LIMITS } from '../../platform/limits.js';
import { ENGAGEMENT_TRENDS } from '../../../shared/domain.js';
import type { CitationKind, InsightCitation, InsightStatement } from '../../../shared/api/insights.js';
import type { ChatMessage } from './provider.js';
import type { InsightInput } from './insights.repo.js';

const MAX = LIMITS.ai.insights.statements;
const statement = z.strictObject({ text: z.string().max(600), refs: z.array(z.string()).max(10) });

/** The model's answer: every statement names the refs (E1, G1, T1) of the records it came from. */
export const insightsContract = z.strictObject({
  summary: z.array(statement).max(MAX),
  engagement: z.strictObject({ trend: z.enum(ENGAGEMENT_TRENDS), text: z.string().max(600), refs: z.array(z.string()).max(10) }),
  risks: z.array(statement).max(MAX),
  nextSteps: z.array(statement).max(MAX),
  nextSession: z.strictObject({
    withinDays: z.number().int().min(0).max(365),
    text: z.string().max(600),
    refs: z.array(z.string()).max(10),
  }),
});
export type InsightsAnswer = z.infer<typeof insightsContract>;

/** The content stored and answered (without the per-read fields: contact id, model, staleness). */
export type InsightContent = {
  summary: InsightStatement[];
  engagement: { trend: (typeof ENGAGEMENT_TRENDS)[number]; text: string; citations: InsightCitation[] };
  risks: InsightStatement[];
  nextSteps: InsightStatement[];
  nextSession: { withinDays: number; date: string; text: string; citations: InsightCitation[] };
};

const day = (iso: string) => iso.slice(0, 10);

/** Every record a prompt may cite, by its short ref (E for timeline entries, G goals, T tasks). */
export function citableRecords(input: InsightInput): Map<string, InsightCitation> {
  const refs = (prefix: string, kind: CitationKind, items: Array<{ id: string; label: string }>) =>
    items.map((x, i): [string, InsightCitation] => [`${prefix}${i + 1}`, { kind, id: x.id, label: x.label.slice(0, 120) }]);
  return new Map([
    ...refs(
      'E',
      'interaction',
      input.interactions.map((e) => ({ id: e.id, label: `${e.subject || e.type.replace('_', ' ')}, ${day(e.occurredAt)}` })),
    ),
    ...refs(
      'G',
      'goal',
      input.goals.map((g) => ({ id: g.id, label: g.title })),
    ),
    ...refs(
      'T',
      'task',
      input.tasks.map((t) => ({ id: t.id, label: t.title })),
    ),
  ]);
}

const SYSTEM =
  'You help a wellness practitioner prepare for a client. From the records given (timeline entries E…, goals G…, tasks T…), ' +
  'write: a short summary, the engagement trend (rising, steady, declining or unknown), risks, next steps, and in how many ' +
  'days the next session should be. Every statement must list in refs the records it is based on, using only the refs ' +
  'given; leave out anything the records do not support. Be brief, factual and kind.';

/** The prompt: the contact's rhythm and its records by ref; `mask` hides emails and phone numbers in every text. */
export function insightsMessages(input: InsightInput, today: string, mask: (s: string) => string): ChatMessage[] {
  const data = {
    today,
    client: {
      stage: input.contact.stage,
      status: input.contact.status,
      keepInTouchDays: input.contact.cadenceDays,
      lastContact: input.contact.lastContactAt ? day(input.contact.lastContactAt) : null,
      entriesLast30Days: input.recent.last30,
      entriesPrevious30Days: input.recent.previous30,
    },
    timeline: input.interactions.map((e, i) => ({
      ref: `E${i + 1}`,
      type: e.type,
      date: day(e.occurredAt),
      subject: mask(e.subject),
      note: mask(e.content),
      sentiment: e.sentiment,
    })),
    goals: input.goals.map((g, i) => ({
      ref: `G${i + 1}`,
      title: mask(g.title),
      description: mask(g.description),
      status: g.status,
      progress: g.targetValue === null ? null : `${g.currentValue} of ${g.targetValue} ${g.unit}`.trim(),
      deadline: g.deadline,
    })),
    tasks: input.tasks.map((t, i) => ({
      ref: `T${i + 1}`,
      title: mask(t.title),
      description: mask(t.description),
      status: t.status,
      priority: t.priority,
      due: t.dueAt ? day(t.dueAt) : null,
    })),
  };
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Write the insights for this client:\n${JSON.stringify(data)}` },
  ];
}

/**
 * Turns the model's refs into citations. A ref that was not in the prompt is dropped; a listed
 * statement left with no citation is dropped too, so every statement kept points at real records.
 */
export function citeAnswer(answer: InsightsAnswer, refs: Map<string, InsightCitation>, dateIn: (days: number) => string): InsightContent {
  const cite = (list: string[]) => [...new Set(list)].flatMap((r) => refs.get(r.trim().toUpperCase()) ?? []);
  const statements = (list: InsightsAnswer['summary']) =>
    list.map((s) => ({ text: s.text, citations: cite(s.refs) })).filter((s) => s.citations.length > 0);
  return {
    summary: statements(answer.summary),
    engagement: { trend: answer.engagement.trend, text: answer.engagement.text, citations: cite(answer.engagement.refs) },
    risks: statements(answer.risks),
    nextSteps: statements(answer.nextSteps),
    nextSession: {
      withinDays: answer.nextSession.withinDays,
      date: dateIn(answer.nextSession.withinDays),
      text: answer.nextSession.text,
      citations: cite(answer.nextSession.refs),
    },
  };
}
