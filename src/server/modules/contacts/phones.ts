import { parsePhoneNumber } from 'awesome-phonenumber';

/**
 * The key duplicate detection compares phones by: E.164 ("+33612345678") when the number reads as
 * valid (with `country` as the default for numbers written without a country code), otherwise
 * '+' and the digits for an international spelling, or the digits alone. Keys shorter than five
 * digits are dropped (extensions, typos). drizzle/0011 gave stored numbers the country-less keys.
 */
export function phoneKey(phone: string, country: string | null | undefined): string | undefined {
  const trimmed = phone.trim();
  const international = /^(\+|00)/.test(trimmed);
  const spelled = international ? `+${trimmed.replace(/^00/, '').replace(/\D+/g, '')}` : trimmed;
  const parsed = international ? parsePhoneNumber(spelled) : country ? parsePhoneNumber(spelled, { regionCode: country }) : undefined;
  if (parsed?.valid && parsed.number?.e164) return parsed.number.e164;
  const key = international ? spelled : trimmed.replace(/\D+/g, '');
  return key.replace(/\D+/g, '').length >= 5 ? key : undefined;
}

export function phoneKeys(phones: string[], country: string | null | undefined): string[] {
  return [...new Set(phones.map((p) => phoneKey(p, country)).filter((k): k is string => !!k))];
}

/** True when some phone needs the account's country to be read (no country code written). */
export const needsCountry = (phones: string[]) => phones.some((p) => !/^\s*(\+|00)/.test(p));
