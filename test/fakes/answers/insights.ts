import { type FakeAnswer, jsonAfter } from './types.js';

type Asked = {
  today: string;
  client: { entriesLast30Days: number; entriesPrevious30Days: number; keepInTouchDays: number | null };
  timeline: Array<{ ref: string; type: string; subject: string; note: string }>;
  goals: Array<{ ref: string; title: string }>;
  tasks: Array<{ ref: string; title: string; status: string }>;
};

/**
 * Insights built from the prompt's records, each statement citing the refs it names. Like a model
 * that invents, it also cites refs that were not in the prompt (E999, X1): the app must drop them.
 */
export const insightsAnswer: FakeAnswer = (c) => {
  const asked = jsonAfter<Asked>(c, '{"today"');
  const timeline = asked?.timeline ?? [];
  const goals = asked?.goals ?? [];
  const tasks = asked?.tasks ?? [];
  const last = asked?.client.entriesLast30Days ?? 0;
  const previous = asked?.client.entriesPrevious30Days ?? 0;
  return {
    summary: [
      ...timeline
        .slice(0, 2)
        .map((e) => ({ text: `Model summary of ${e.subject || e.type}: ${e.note.slice(0, 80)}`, refs: [e.ref, 'E999'] })),
      { text: 'An invented statement about nothing in the records.', refs: ['X1'] },
    ],
    engagement: {
      trend: last > previous ? 'rising' : last < previous ? 'declining' : 'steady',
      text: `${last} entries lately against ${previous} before.`,
      refs: timeline.slice(0, 3).map((e) => e.ref),
    },
    risks: goals.slice(0, 1).map((g) => ({ text: `Goal "${g.title}" may slip.`, refs: [g.ref] })),
    nextSteps: tasks.slice(0, 2).map((t) => ({ text: `Follow up: ${t.title}.`, refs: [t.ref] })),
    nextSession: {
      withinDays: asked?.client.keepInTouchDays ?? 14,
      text: 'Meet again soon.',
      refs: timeline.slice(0, 1).map((e) => e.ref),
    },
  };
};
