import { type FakeAnswer, jsonAfter } from './types.js';

/** One subtask title and email per segment, built from the task's title and the segment's label. */
export const delegationAnswer: FakeAnswer = (c) => {
  const asked = jsonAfter<{ task: { title: string }; segments: Array<{ ref: string; label: string }> }>(c, '{"task"');
  const title = asked?.task.title ?? 'Task';
  return {
    segments: (asked?.segments ?? []).map((s) => ({
      ref: s.ref,
      subtaskTitle: `${title}: ${s.label}`.slice(0, 300),
      subject: `News for our ${s.label} clients`.slice(0, 300),
      body: `Dear {{first_name}},\n\nA note about "${title}" for ${s.label}.\n\nWarmly`,
    })),
  };
};
