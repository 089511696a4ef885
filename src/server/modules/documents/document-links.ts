import { foldText } from '../contacts/search-text.js';

type Named = { id: string; name: string; emails: string[] };

const ADDRESS = /[^\s<>,;:"'()[\]]+@[^\s<>,;:"'()[\]]+\.[a-z]{2,}/gi;
const words = (text: string) =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * Finds the contacts a document names, in its title or text: a name of two words or more, as whole
 * words in a row (accents and case ignored, so "Ann Lee" never matches "Anne Leeds"), or any of the
 * contact's emails. One pass over the document's words, whatever the number of contacts.
 */
export function createLinker(contacts: readonly Named[]) {
  const byFirstWord = new Map<string, { id: string; words: string[] }[]>();
  const byEmail = new Map<string, string[]>();
  for (const c of contacts) {
    const name = words(c.name);
    if (name.length >= 2) byFirstWord.set(name[0]!, [...(byFirstWord.get(name[0]!) ?? []), { id: c.id, words: name }]);
    for (const e of c.emails) {
      const key = e.trim().toLowerCase();
      if (key) byEmail.set(key, [...(byEmail.get(key) ?? []), c.id]);
    }
  }
  return (text: string): string[] => {
    const found = new Set<string>();
    for (const m of text.matchAll(ADDRESS)) for (const id of byEmail.get(m[0].toLowerCase()) ?? []) found.add(id);
    const tokens = words(text);
    for (let i = 0; i < tokens.length; i++) {
      for (const candidate of byFirstWord.get(tokens[i]!) ?? []) {
        if (candidate.words.every((w, k) => tokens[i + k] === w)) found.add(candidate.id);
      }
    }
    return [...found];
  };
}
