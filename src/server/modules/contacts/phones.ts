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

/**
 * Without a country on the account, its time zone names one for the common zones (a zone shared by
 * several countries, or an unknown one, gives none: numbers are then compared by their digits).
 */
const ZONE_COUNTRY: Record<string, string> = {
  'Europe/London': 'GB',
  'Europe/Dublin': 'IE',
  'Europe/Paris': 'FR',
  'Europe/Berlin': 'DE',
  'Europe/Madrid': 'ES',
  'Europe/Rome': 'IT',
  'Europe/Amsterdam': 'NL',
  'Europe/Brussels': 'BE',
  'Europe/Zurich': 'CH',
  'Europe/Vienna': 'AT',
  'Europe/Stockholm': 'SE',
  'Europe/Oslo': 'NO',
  'Europe/Copenhagen': 'DK',
  'Europe/Helsinki': 'FI',
  'Europe/Lisbon': 'PT',
  'Europe/Warsaw': 'PL',
  'Europe/Prague': 'CZ',
  'Europe/Budapest': 'HU',
  'Europe/Athens': 'GR',
  'Europe/Istanbul': 'TR',
  'Europe/Bucharest': 'RO',
  'Europe/Kiev': 'UA',
  'Europe/Kyiv': 'UA',
  'Europe/Luxembourg': 'LU',
  'Atlantic/Reykjavik': 'IS',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Phoenix': 'US',
  'America/Los_Angeles': 'US',
  'America/Anchorage': 'US',
  'Pacific/Honolulu': 'US',
  'America/Toronto': 'CA',
  'America/Vancouver': 'CA',
  'America/Montreal': 'CA',
  'America/Edmonton': 'CA',
  'America/Halifax': 'CA',
  'America/Mexico_City': 'MX',
  'America/Sao_Paulo': 'BR',
  'America/Argentina/Buenos_Aires': 'AR',
  'America/Bogota': 'CO',
  'America/Santiago': 'CL',
  'America/Lima': 'PE',
  'Australia/Sydney': 'AU',
  'Australia/Melbourne': 'AU',
  'Australia/Brisbane': 'AU',
  'Australia/Perth': 'AU',
  'Australia/Adelaide': 'AU',
  'Pacific/Auckland': 'NZ',
  'Asia/Tokyo': 'JP',
  'Asia/Seoul': 'KR',
  'Asia/Shanghai': 'CN',
  'Asia/Hong_Kong': 'HK',
  'Asia/Singapore': 'SG',
  'Asia/Kolkata': 'IN',
  'Asia/Calcutta': 'IN',
  'Asia/Dubai': 'AE',
  'Asia/Jerusalem': 'IL',
  'Asia/Bangkok': 'TH',
  'Asia/Jakarta': 'ID',
  'Asia/Manila': 'PH',
  'Africa/Johannesburg': 'ZA',
  'Africa/Cairo': 'EG',
  'Africa/Lagos': 'NG',
  'Africa/Nairobi': 'KE',
  'Africa/Casablanca': 'MA',
};

export function defaultCountry(country: string | null | undefined, timezone: string | null | undefined): string | null {
  return country ?? (timezone ? (ZONE_COUNTRY[timezone] ?? null) : null);
}
