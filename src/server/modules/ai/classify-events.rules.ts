import crypto from 'node:crypto';
import type { EventClassification, SessionType } from '../../../shared/api/ai-classify.js';

/** A calendar event as the timeline holds it: one meeting entry per matched contact. */
export type CalendarEvent = {
  /** The entries' source and source id without the contact: one key per event (occurrence). */
  key: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string | null;
  allDay: boolean;
  location: string;
  /** in_person / video / phone as the sync inferred it from conference data and location, if it did. */
  kind: string | null;
  entries: Array<{ id: string; contactId: string; name: string }>;
  /** Every entry already carries a conclusion made without a model: looked at again now that a model could decide. */
  recheck?: boolean;
};

const sha = (value: unknown) => crypto.createHash('sha256').update(JSON.stringify(value)).digest('base64url');
const contactIdsOf = (e: CalendarEvent) => [...new Set(e.entries.map((x) => x.contactId))].sort();

/** The cache key: everything the classification depends on (title, description, times, attendees, location). */
export function contentHash(e: CalendarEvent): string {
  return sha([e.title, e.description, e.startsAt, e.endsAt, e.allDay, e.location, e.kind, contactIdsOf(e)]);
}

/**
 * The same without the times: occurrences of a recurring series (or copies of an event) share it,
 * so one of them is asked and the answer is applied to all.
 */
export function timelessKey(e: CalendarEvent): string {
  return sha([e.title, e.description, e.allDay, e.location, e.kind, contactIdsOf(e)]);
}

/** Obvious non-client events: never sent to a model, whatever the configuration. */
const RULES: Array<{ reason: string; test: RegExp }> = [
  { reason: 'personal appointment', test: /\b(dentist|doctor|gp|optician|hairdresser|haircut|barber|vet)\b/i },
  {
    reason: 'time block',
    test: /\b(focus( time)?|deep work|do not book|dnd|blocked|block|busy|hold|admin( time)?|paperwork|invoicing|prep time)\b/i,
  },
  { reason: 'meal or break', test: /\b(lunch|breakfast|brunch|dinner|coffee break|break)\b/i },
  { reason: 'travel', test: /(\b(flight|fly to|train to|travel(ling)?|commute|airport|layover)\b|✈|\b[A-Z]{2}\s?\d{2,4}\b.*→)/i },
  {
    reason: 'time off',
    test: /\b(holiday|holidays|vacation|out of office|ooo|day off|annual leave|bank holiday|public holiday|sick leave)\b/i,
  },
  { reason: 'personal', test: /\b(birthday|anniversary|gym|workout|school run|pick ?up (the )?kids|errands?)\b/i },
];
const LONG_BLOCK_MS = 8 * 3_600_000;

/** The rule an event obviously falls under (then it is not a client session), or undefined. */
export function obviousRule(e: CalendarEvent): string | undefined {
  const rule = RULES.find((r) => r.test.test(e.title));
  if (rule) return rule.reason;
  if (e.allDay) return 'all-day block';
  if (e.endsAt && Date.parse(e.endsAt) - Date.parse(e.startsAt) >= LONG_BLOCK_MS) return 'block of 8 hours or more';
  return undefined;
}

const TOPICS = [
  'anxiety',
  'stress',
  'sleep',
  'grief',
  'nutrition',
  'pain',
  'back pain',
  'yoga',
  'meditation',
  'breathwork',
  'massage',
  'mindfulness',
  'burnout',
  'fertility',
  'pregnancy',
  'injury',
  'weight',
  'relationships',
];

function sessionTypeOf(e: CalendarEvent): SessionType {
  if (e.entries.length > 2 || /\b(group|class|workshop|circle|retreat)\b/i.test(e.title)) return 'group';
  if (e.kind === 'video' || e.kind === 'phone' || e.kind === 'in_person') return e.kind;
  return 'in_person';
}

/** A rule's conclusion: not a client session. */
export function ruleResult(reason: string): EventClassification {
  return { isClientSession: false, clientContactIds: [], sessionType: 'none', topics: [], followUps: [], reason };
}

/**
 * The deterministic local classification (no API key, or a contact without ai_processing consent):
 * a meeting with contacts that no rule excludes is taken for a client session with all of them;
 * the session type from the event's form and size; topics from a fixed word list.
 */
export function localResult(e: CalendarEvent, reason: string): EventClassification {
  const text = `${e.title}\n${e.description}`.toLowerCase();
  return {
    isClientSession: true,
    clientContactIds: contactIdsOf(e),
    sessionType: sessionTypeOf(e),
    topics: TOPICS.filter((t) => new RegExp(`\\b${t}\\b`).test(text)).slice(0, 5),
    followUps: /\bfollow[- ]?up\b/.test(text) ? ['Follow up after this session'] : [],
    reason,
  };
}
