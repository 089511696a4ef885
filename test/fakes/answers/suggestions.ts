import { type FakeAnswer, jsonAfter } from './types.js';

/** Words each suggestion from its own title ("Worded: …") and ranks the earlier items higher. */
export const suggestionsAnswer: FakeAnswer = (c) => {
  const items = jsonAfter<{ items: Array<{ ref: string; title: string; rationale: string }> }>(c, '{"items"')?.items ?? [];
  return {
    items: items.map((i, n) => ({
      ref: i.ref,
      title: `Worded: ${i.title}`.slice(0, 300),
      rationale: i.rationale.slice(0, 1000),
      rank: Math.max(0, 0.9 - n * 0.01),
    })),
  };
};
