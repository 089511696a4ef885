import { LIMITS } from '../../platform/limits.js';
import type { Citation } from '../../../shared/api/assistant.js';
import { searchTerms } from '../contacts/search-text.js';
import type { AssistantToolsRepo } from './assistant-tools.repo.js';

/** Words too common to search for. */
const STOP = new Set(
  'the and who what which when where how why with that this have has had not for from about into them they their there was were are you your did does any all can could would should been mentioned clients client contacts contact show find list tell give me my month week'.split(
    ' ',
  ),
);

/**
 * The assistant without a model: the question's words searched over the contacts and what their
 * timelines say (the same search the model's tool uses), the matches listed, and a plain statement
 * that no model made it. Nothing leaves the server, so no consent filter applies here.
 */
export async function offlineAnswer(
  tools: AssistantToolsRepo,
  userId: string,
  question: string,
  now: Date,
): Promise<{ content: string; citations: Citation[] }> {
  const terms = searchTerms(question.replace(/[^\p{L}\p{N}\s@.-]+/gu, ' ')).filter((t) => t.length >= 3 && !STOP.has(t));
  const rows = terms.length ? await tools.searchContacts(userId, terms, LIMITS.assistant.toolResults, now) : [];
  const head = 'Made without an AI model (no AI_API_KEY is set): this answer is a search of your records, not a reading of them.';
  if (!rows.length) {
    const what = terms.length ? `for “${terms.join(' ')}”` : 'without search words in the question';
    return { content: `${head}\n\nNo contacts matched ${what}. Try a name or a word from their notes.`, citations: [] };
  }
  const lines = rows.map((r) => {
    const last = r.last_contact_at ? `last contact ${r.last_contact_at.slice(0, 10)}` : 'never contacted';
    return `- ${r.name} (${r.stage}, ${last}) [${r.id}]`;
  });
  return {
    content: `${head}\n\nContacts matching “${terms.join(' ')}”:\n${lines.join('\n')}`,
    citations: rows.map((r) => ({ kind: 'contact', id: r.id, label: r.name, contactId: r.id })),
  };
}
