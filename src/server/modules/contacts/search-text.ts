/**
 * Lower-case, accents removed: "Zoë Ångström" → "zoe angstrom", Turkish "Işık" and "İpek" → "isik",
 * "ipek" (the dotless ı has no decomposition of its own). Used on both sides of a search.
 */
export function foldText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ı/g, 'i');
}

/** Tag names folded in SQL the way foldText folds text: the common Latin accents and the Turkish ı. */
export const SQL_FOLD_FROM = 'ÀÁÂÃÄÅàáâãäåÈÉÊËèéêëÌÍÎÏìíîïıİÒÓÔÕÖØòóôõöøÙÚÛÜùúûüÇçÑñŸÿÝýŞşĞğ';
export const SQL_FOLD_TO = 'AAAAAAaaaaaaEEEEeeeeIIIIiiiiiiOOOOOOooooooUUUUuuuuCcNnYyYySsGg';

type Searchable = {
  name: string;
  emails: string[];
  phones: string[];
  notes: string;
  customFields: Record<string, unknown>;
  socialHandles: Record<string, string>;
};

export function buildSearchText(c: Searchable): string {
  const parts = [
    c.name,
    ...c.emails,
    ...c.phones,
    // Digits only, so "5551234" finds "+1 (555) 123-4".
    ...c.phones.map((p) => p.replace(/\D+/g, '')),
    c.notes,
    ...Object.entries(c.customFields).flatMap(([k, v]) => [k, v === null ? '' : String(v)]),
    ...Object.values(c.socialHandles),
  ];
  return foldText(parts.filter(Boolean).join(' ')).replace(/\s+/g, ' ').trim();
}

/** Search words, folded, each at least one character; LIKE wildcards are escaped by the caller. */
export function searchTerms(query: string): string[] {
  return foldText(query).split(/\s+/).filter(Boolean).slice(0, 8);
}

export const escapeLike = (term: string) => term.replace(/[\\%_]/g, (ch) => `\\${ch}`);
