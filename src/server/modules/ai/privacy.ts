/**
 * Emails and phone numbers never reach a model: each is replaced by a placeholder before a prompt
 * is sent ([EMAIL_1], [PHONE_2]) and put back in the answer. One masker per prompt, so the same
 * address gets the same placeholder throughout it.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// A run of 7+ digits with the usual separators, optionally international (+44 20 7946 0958, (555) 010-9999).
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}])/gu;

export function createMasker() {
  const byValue = new Map<string, string>();
  const byPlaceholder = new Map<string, string>();
  const counts = { EMAIL: 0, PHONE: 0 };
  const placeholder = (kind: 'EMAIL' | 'PHONE', value: string) => {
    let p = byValue.get(value);
    if (!p) {
      p = `[${kind}_${++counts[kind]}]`;
      byValue.set(value, p);
      byPlaceholder.set(p, value);
    }
    return p;
  };
  return {
    mask(text: string): string {
      return text
        .replace(EMAIL, (m) => placeholder('EMAIL', m))
        .replace(PHONE, (m) => ((m.match(/\d/g)?.length ?? 0) >= 7 ? placeholder('PHONE', m) : m));
    },
    restore(text: string): string {
      return text.replace(/\[(EMAIL|PHONE)_\d+\]/g, (p) => byPlaceholder.get(p) ?? p);
    },
  };
}
