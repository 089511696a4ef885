import { z } from 'zod';
import type { ChatMessage } from './provider.js';

/** The model's answer for a batch: one score per item, by the item's short reference. */
export const sentimentContract = z.strictObject({
  items: z.array(
    z.strictObject({
      ref: z.string(),
      score: z.number().int().min(1).max(5),
      confidence: z.number().min(0).max(1),
    }),
  ),
});

export type SentimentItem = { ref: string; text: string };

const SYSTEM =
  'You rate the emotional tone of notes a wellness practitioner keeps about client interactions. ' +
  'For each item, answer its ref, a score from 1 (very negative) to 5 (very positive), 3 meaning neutral, ' +
  'and your confidence from 0 to 1. Answer every item exactly once.';

export function sentimentMessages(items: SentimentItem[]): ChatMessage[] {
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `Rate these interactions:\n${JSON.stringify({ items })}` },
  ];
}

const POSITIVE = new Set(
  'good great happy better calm grateful progress love thanks thank relieved excited improved improving joy wonderful glad enjoyed peaceful confident proud rested'.split(
    ' ',
  ),
);
const NEGATIVE = new Set(
  'bad sad angry worse anxious anxiety cancel cancelled upset stressed stress tired hate worried pain hurt lonely overwhelmed frustrated difficult struggling'.split(
    ' ',
  ),
);

/**
 * The offline scorer (no API key): counts positive and negative words. Deterministic; its
 * confidence grows with the number of words that carried a tone.
 */
export function lexiconSentiment(text: string): { score: number; confidence: number } {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let pos = 0;
  let neg = 0;
  for (const w of words) {
    if (POSITIVE.has(w)) pos++;
    else if (NEGATIVE.has(w)) neg++;
  }
  const score = Math.min(5, Math.max(1, 3 + pos - neg));
  return { score, confidence: Math.min(0.9, 0.3 + 0.15 * (pos + neg)) };
}
