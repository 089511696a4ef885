import { type FakeAnswer, jsonAfter } from './types.js';

const POSITIVE = ['good', 'great', 'happy', 'better', 'calm', 'grateful', 'progress', 'love', 'thanks', 'relieved'];
const NEGATIVE = ['bad', 'sad', 'angry', 'worse', 'anxious', 'cancel', 'upset', 'stressed', 'tired', 'hate'];

function wordScore(text: string): number {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const score = 3 + words.filter((w) => POSITIVE.includes(w)).length - words.filter((w) => NEGATIVE.includes(w)).length;
  return Math.min(5, Math.max(1, score));
}

/** Scores each listed item from its words. */
export const sentimentAnswer: FakeAnswer = (c) => {
  const items = jsonAfter<{ items: Array<{ ref: string; text: string }> }>(c, '{"items"')?.items ?? [];
  return { items: items.map((i) => ({ ref: i.ref, score: wordScore(i.text), confidence: 0.8 })) };
};
