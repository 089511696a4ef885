import { type FakeAnswer, jsonAfter } from './types.js';

type PromptEvent = {
  ref: string;
  title: string;
  notes?: string;
  conference?: string;
  attendees: Array<{ ref: string; name: string }>;
};

const NOT_A_SESSION = /\b(supervision|networking|team|staff|party|webinar|conference)\b/i;
const TOPICS = ['sleep', 'anxiety', 'stress', 'grief', 'back pain', 'nutrition', 'breathing', 'posture'];

/**
 * Classifies each listed event from its words: a session unless it reads as an internal or social
 * event; every attendee a client; group with more than two attendees, else the conference kind;
 * topics from a word list; a follow-up when the notes say "follow up".
 */
export const classifyEventsAnswer: FakeAnswer = (c) => {
  const events = jsonAfter<{ events: PromptEvent[] }>(c, '{"events"')?.events ?? [];
  return {
    events: events.map((e) => {
      const text = `${e.title}\n${e.notes ?? ''}`.toLowerCase();
      const session = !NOT_A_SESSION.test(text) && e.attendees.length > 0;
      const kind = e.conference === 'video' || e.conference === 'phone' ? e.conference : 'in_person';
      return {
        ref: e.ref,
        isClientSession: session,
        clientRefs: session ? e.attendees.map((a) => a.ref) : [],
        sessionType: session ? (e.attendees.length > 2 ? 'group' : kind) : 'none',
        topics: session ? TOPICS.filter((t) => text.includes(t)) : [],
        followUps: session && /follow[- ]?up/.test(text) ? ['Follow up with the client'] : [],
      };
    }),
  };
};
