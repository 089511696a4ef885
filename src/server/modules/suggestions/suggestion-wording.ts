import { z } from 'zod';
import type { ChatMessage } from '../ai/provider.js';

/** The model's answer: a clearer title and reason, and a rank from 0 to 1, per suggestion by its ref. */
export const suggestionWordingContract = z.strictObject({
  items: z.array(
    z.strictObject({
      ref: z.string(),
      title: z.string().min(1).max(300),
      rationale: z.string().max(1000),
      rank: z.number().min(0).max(1),
    }),
  ),
});

export type WordingItem = { ref: string; kind: string; title: string; rationale: string };

const SYSTEM =
  'You help a wellness practitioner act on suggestions computed from their own records. ' +
  'For each item, keep its ref, rewrite its title as one short friendly action (keep any name as written), ' +
  'give a one-sentence rationale based only on the facts given, and rank it from 0 (can wait) to 1 (most useful today). ' +
  'Do not invent facts. Answer every item exactly once.';

export function wordingMessages(items: WordingItem[]): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Word and rank these suggestions:\n${JSON.stringify({ items })}` },
  ];
}
