import { z } from 'zod';
import { uuidId } from './ids.js';
import { dateOut, dateTimeOut } from './dates.js';
import { ENGAGEMENT_TRENDS } from '../domain.js';

export const insightParams = z.strictObject({ contactId: uuidId('must be a contact id (UUID)') });

/** What a statement can cite: a timeline entry, a goal or a task of the contact. */
export const CITATION_KINDS = ['interaction', 'goal', 'task'] as const;
export type CitationKind = (typeof CITATION_KINDS)[number];

const citation = z.strictObject({
  kind: z.enum(CITATION_KINDS),
  id: z.uuid(),
  /** How the web app names the link (an entry's subject and date, a goal's or task's title). */
  label: z.string(),
});
const statement = z.strictObject({ text: z.string(), citations: z.array(citation) });

/** GET and POST /api/ai/insights/:contactId: the contact's insights; every statement cites its records. */
export const insightResponse = z.strictObject({
  contactId: z.uuid(),
  /** The model that wrote them, or 'offline' when they were assembled from the data without one. */
  model: z.string(),
  madeWithoutModel: z.boolean(),
  generatedAt: dateTimeOut,
  /** True when the contact, its timeline, goals or tasks changed since: generate again to refresh. */
  stale: z.boolean(),
  summary: z.array(statement),
  engagement: z.strictObject({ trend: z.enum(ENGAGEMENT_TRENDS), text: z.string(), citations: z.array(citation) }),
  risks: z.array(statement),
  nextSteps: z.array(statement),
  nextSession: z.strictObject({ withinDays: z.number().int(), date: dateOut, text: z.string(), citations: z.array(citation) }),
});
export type Insight = z.infer<typeof insightResponse>;
export type InsightStatement = z.infer<typeof statement>;
export type InsightCitation = z.infer<typeof citation>;
