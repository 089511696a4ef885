/**
 * Emails and phone numbers never reach a model: each is replaced by a placeholder before a prompt
 * is sent ([EMAIL_1], [PHONE_2]) and put back in the answer. One masker per prompt, so the same
 * address gets the same placeholder throughout it.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/u;
// A run of 7+ digits with the usual separators, optionally international (+44 20 7946 0958, (555) 010-9999).
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\d[\d\s().-]{5,}\d(?![\p{L}\p{N}])/u;
/** A record id: not a contact detail, and the model must quote it whole (87234404-85b0-… is no phone number). */
export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** One pass over the text: a record id is matched first and kept, so none of its digits is taken for a phone. */
const DETAIL = new RegExp(`(${UUID.source})|(${EMAIL.source})|${PHONE.source}`, 'giu');

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
      return text.replace(DETAIL, (m, id?: string, email?: string) => {
        if (id) return m;
        if (email) return placeholder('EMAIL', m);
        return (m.match(/\d/g)?.length ?? 0) >= 7 ? placeholder('PHONE', m) : m;
      });
    },
    restore(text: string): string {
      return text.replace(/\[(EMAIL|PHONE)_\d+\]/g, (p) => byPlaceholder.get(p) ?? p);
    },
  };
}
