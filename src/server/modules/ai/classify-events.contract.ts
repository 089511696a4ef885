import { z } from 'zod';
import { SESSION_TYPES } from '../../../shared/api/ai-classify.js';
import type { ChatMessage } from './provider.js';
import type { CalendarEvent } from './classify-events.rules.js';

/** The model's answer for a batch of events, each by its short reference (E1…, attendees E1.1…). */
export const classifyEventsContract = z.strictObject({
  events: z.array(
    z.strictObject({
      ref: z.string(),
      isClientSession: z.boolean(),
      clientRefs: z.array(z.string()),
      sessionType: z.enum(SESSION_TYPES),
      topics: z.array(z.string()),
      followUps: z.array(z.string()),
    }),
  ),
});

const SYSTEM = [
  'You classify calendar events of a wellness practitioner (therapist, coach, yoga teacher, bodyworker).',
  'For each event decide whether it is a session with one or more clients, and answer, by the event ref:',
  '- isClientSession: true for a paid or booked session, consultation, class or workshop with clients;',
  '  false for personal time, internal meetings, networking, supervision, admin or social events.',
  '- clientRefs: the refs of the attendees who take part as clients (never the practitioner or colleagues);',
  '  empty when it is not a client session.',
  '- sessionType: in_person, video or phone for a one-to-one session (from the conference data, the location',
  '  and the wording), group for a class, workshop or several clients, other for a client session of another',
  '  form, none when it is not a client session.',
  '- topics: at most 5 short topics the session is about (for example "sleep", "lower back pain"), taken',
  '  only from the title and notes; empty when they say nothing.',
  '- followUps: at most 3 short follow-up actions the notes ask for (for example "send the breathing',
  '  exercise"); empty when there are none.',
  'Use only what the event says; never invent names, dates or facts. Placeholders such as [EMAIL_1] stand',
  'for hidden contact details: keep them as they are. Answer every event exactly once.',
].join('\n');

/** One event as the model sees it: only what classification needs, every piece of text already masked. */
type PromptEvent = {
  ref: string;
  title: string;
  notes?: string;
  start: string;
  end?: string;
  location?: string;
  conference?: string;
  attendees: Array<{ ref: string; name: string }>;
};

export function classifyEventsMessages(events: CalendarEvent[], mask: (text: string) => string): ChatMessage[] {
  const items: PromptEvent[] = events.map((e, i) => {
    const ref = `E${i + 1}`;
    return {
      ref,
      title: mask(e.title.slice(0, 300)),
      ...(e.description ? { notes: mask(e.description.slice(0, 1_000)) } : {}),
      start: e.startsAt,
      ...(e.endsAt ? { end: e.endsAt } : {}),
      ...(e.location ? { location: mask(e.location.slice(0, 300)) } : {}),
      ...(e.kind ? { conference: e.kind } : {}),
      attendees: e.entries.map((x, j) => ({ ref: `${ref}.${j + 1}`, name: mask(x.name) })),
    };
  });
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Classify these calendar events:\n${JSON.stringify({ events: items })}` },
  ];
}
