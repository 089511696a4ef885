import type { Completion } from './types.js';

/** A tool call the fake asks for: the function's name and its JSON arguments. */
export type FakeToolCall = { name: string; arguments: string };

const STOP = new Set(
  'who what which when where have has with that this about from them their were mentioned hasnt booked month week clients client'.split(
    ' ',
  ),
);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const lastUser = (c: Completion) => c.messages.findLast((m) => m.role === 'user')?.content ?? '';
/** Tool results after the question (the messages that follow the last user message). */
const toolResults = (c: Completion) => {
  const at = c.messages.findLastIndex((m) => m.role === 'user');
  return c.messages.slice(at + 1).filter((m) => m.role === 'tool');
};

function parse(content: string | undefined): Array<Record<string, unknown>> {
  try {
    const v = JSON.parse(content ?? '') as unknown;
    return Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [v as Record<string, unknown>];
  } catch {
    return [];
  }
}

/** The first tool a question calls for, from its words, as a model would plausibly choose. */
function firstCall(question: string): FakeToolCall {
  const q = question.toLowerCase();
  const id = question.match(UUID)?.[0];
  if (id && /timeline|progress|summar/.test(q)) return { name: 'contact_timeline', arguments: JSON.stringify({ contactId: id }) };
  // An address or number in the question arrives masked; a model searches for it as it was shown.
  const detail = question.match(/\[(EMAIL|PHONE)_\d+\]/)?.[0];
  if (detail) return { name: 'search_contacts', arguments: JSON.stringify({ query: detail }) };
  if (/\btasks?\b|to-?do/.test(q)) return { name: 'tasks', arguments: '{}' };
  if (/\bgoals?\b/.test(q)) return { name: 'goals', arguments: '{}' };
  if (/calendar|schedule|appointment|\bevents?\b/.test(q)) return { name: 'calendar_events', arguments: '{}' };
  if (/how many|stats|statistics/.test(q)) return { name: 'practice_stats', arguments: '{}' };
  const words = q.match(/[\p{L}\p{N}]{4,}/gu)?.filter((w) => !STOP.has(w)) ?? [];
  const quiet = /hasn.?t|not (been )?(seen|booked|contacted)|in a month/.test(q) ? { notContactedForDays: 30 } : {};
  return { name: 'search_contacts', arguments: JSON.stringify({ query: words.slice(0, 4).join(' '), ...quiet }) };
}

/**
 * The assistant's turn in the fake: with tools offered and no tool result yet, a tool call derived
 * from the question; after a contact search for a question about progress, the first contact's
 * timeline; then a final answer listing what the tools returned, each item citing its id.
 */
export function assistantTurn(c: Completion & { hasTools: boolean }): { toolCall?: FakeToolCall; text?: string } {
  const results = toolResults(c);
  const question = lastUser(c);
  if (c.hasTools && results.length === 0) return { toolCall: firstCall(question) };
  const rows = results.flatMap((m) => parse(m.content));
  const contact = rows.find((r) => typeof r.name === 'string' && typeof r.id === 'string');
  if (c.hasTools && results.length === 1 && contact && /progress|summar|timeline/i.test(question)) {
    return { toolCall: { name: 'contact_timeline', arguments: JSON.stringify({ contactId: contact.id }) } };
  }
  // The answer lists what the last tool returned, each row citing its id.
  const items = parse(results.at(-1)?.content).filter((r) => typeof r.id === 'string');
  if (!items.length) return { text: `I found nothing in your records about that. ${rows.length ? JSON.stringify(rows[0]) : ''}`.trim() };
  const lines = items.map((r) => `- ${String(r.name ?? r.title ?? r.subject ?? r.type)} [${String(r.id)}]`);
  return { text: `Here is what I found:\n${lines.join('\n')}` };
}
