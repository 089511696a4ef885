import ICAL from 'ical.js';
import libqp from 'libqp';
import { LIMITS } from '../../platform/limits.js';
import { decodeCharset } from './decode.js';
import { emptyRaw, finishRow, type RawContact, type RowResult } from './draft.js';

export type CardText = { line: number; text: string };

/** The cards of a file, each with the line its BEGIN:VCARD is on (framing only; ical.js parses each card). */
export function* splitCards(text: string): Generator<CardText> {
  const re = /^BEGIN:VCARD[ \t\r]*$/gim;
  const starts: number[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
  let line = 1;
  let pos = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    line += countNewlines(text, pos, start);
    pos = start;
    yield { line, text: text.slice(start, starts[i + 1] ?? text.length) };
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Splits `a;b="x;y";c` on the separators outside double quotes. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of s) {
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const BINARY = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
const ENCODINGS = new Set(['BASE64', 'B', 'QUOTED-PRINTABLE', '8BIT', '7BIT']);

/**
 * vCard 2.1 as 3.0 for ical.js: quoted-printable values (with their soft line breaks) decoded in
 * their CHARSET, bare parameters ("TEL;CELL;PREF") named TYPE, ENCODING=BASE64 as b, blank lines out.
 */
export function normalizeCard(card: string): string {
  // "\r\r\n" (a CRLF file converted once more) and a bare CR are one line break too.
  const lines = card.split(/\r*\n|\r/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (!line.trim()) continue;
    if (/^[ \t]/.test(line)) {
      out.push(line);
      continue;
    }
    const colon = findValueColon(line);
    if (colon < 0) {
      out.push(line);
      continue;
    }
    const [nameWithGroup, ...params] = splitOutsideQuotes(line.slice(0, colon), ';');
    const name = nameWithGroup!.split('.').pop()!.toUpperCase();
    let encoding = '';
    let charset: string | undefined;
    const kept: string[] = [];
    for (const p of params) {
      const eq = p.indexOf('=');
      const pname = eq < 0 ? '' : p.slice(0, eq).toUpperCase();
      const pvalue = eq < 0 ? p : p.slice(eq + 1);
      if (pname === 'ENCODING' || (!pname && ENCODINGS.has(p.toUpperCase()))) encoding = pvalue.toUpperCase();
      else if (pname === 'CHARSET') charset = pvalue.replace(/"/g, '');
      else if (!pname) kept.push(`TYPE=${p}`);
      else kept.push(p);
    }
    let value = line.slice(colon + 1);
    if (encoding === 'QUOTED-PRINTABLE') {
      // A soft line break: the value goes on in the next line.
      while (value.endsWith('=') && i + 1 < lines.length) value = value.slice(0, -1) + lines[++i]!;
      const bytes = libqp.decode(value);
      if (BINARY.has(name)) {
        value = bytes.toString('base64');
        kept.push('ENCODING=b');
      } else {
        value = decodeCharset(bytes, charset).replace(/\\/g, '\\\\').replace(/\r?\n/g, '\\n');
      }
    } else if (encoding === 'BASE64' || encoding === 'B') {
      kept.push('ENCODING=b');
    } else if (charset && !/^utf-?8$/i.test(charset)) {
      value = decodeCharset(Buffer.from(value, 'latin1'), charset);
    }
    out.push([nameWithGroup, ...kept].join(';') + ':' + value);
  }
  return out.join('\r\n') + '\r\n';
}

/** The colon that ends the property's name and parameters (not one inside a quoted parameter). */
function findValueColon(line: string): number {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return i;
  }
  return -1;
}

type JProp = [string, Record<string, unknown>, string, ...unknown[]];

/** A value as text; ical.js leaves vCard 3's escaped semicolon as it is. */
const text = (v: unknown): string =>
  Array.isArray(v) ? v.map(text).filter(Boolean).join(' ') : typeof v === 'string' ? v.replace(/\\;/g, ';') : v == null ? '' : String(v);
const typesOf = (p: JProp): string[] => {
  const t = p[1].type;
  return (Array.isArray(t) ? t : t ? [t] : []).map((x) => String(x).toLowerCase());
};

/** Apple's "_$!<Anniversary>!$_" → "Anniversary"; custom labels stay as written. */
const appleLabel = (label: string) => label.replace(/^_\$!<(.*)>!\$_$/, '$1');

/** vCard TYPE values that say what an email or phone is for, as the labels the web app offers. */
const TYPE_LABELS: Record<string, string> = {
  home: 'home',
  work: 'work',
  cell: 'mobile',
  mobile: 'mobile',
  iphone: 'mobile',
  fax: 'fax',
  pager: 'pager',
  other: 'other',
  main: 'main',
};

/** An email's or phone's label: the Apple label of its group, else the first TYPE that names a purpose. */
function channelLabel(p: JProp, group: string | undefined, labels: Map<string, string>): string {
  const apple = group ? labels.get(group) : undefined;
  if (apple) return apple.toLowerCase() === 'mobile' ? 'mobile' : apple;
  for (const t of typesOf(p)) if (TYPE_LABELS[t]) return TYPE_LABELS[t]!;
  return '';
}

function photoBytes(prop: JProp): Buffer | null {
  const value = text(prop[3]).trim();
  if (!value) return null;
  const dataUri = value.match(/^data:[^,]*;base64,(.*)$/is);
  if (dataUri) return Buffer.from(dataUri[1]!, 'base64');
  if (/^(https?|ftp|file|cid):/i.test(value)) return null;
  return Buffer.from(value.replace(/\s+/g, ''), 'base64');
}

/** One card as a contact. */
export function cardToDraft(card: CardText): RowResult {
  const { line } = card;
  const fail = (field: string, reason: string): RowResult => ({ line, draft: null, error: { line, field, reason }, warnings: [] });
  if (card.text.length > LIMITS.imports.cardChars) return fail('card', `is larger than ${LIMITS.imports.cardChars / 1024 / 1024} MB`);
  let props: JProp[];
  try {
    const parsed = ICAL.parse(normalizeCard(card.text)) as unknown;
    const component = (Array.isArray(parsed) && parsed[0] === 'vcard' ? parsed : (parsed as unknown[])[0]) as [string, JProp[]];
    props = component[1];
  } catch {
    return fail('card', 'is not a valid vCard');
  }
  const labels = new Map<string, string>();
  for (const p of props) if (p[0] === 'x-ablabel' && p[1].group) labels.set(String(p[1].group), appleLabel(text(p[3])));
  const raw: RawContact = emptyRaw();
  const addresses: string[] = [];
  let photoIsUrl = false;
  for (const p of props) {
    // A text value with unescaped commas (vCard 2.1) comes as several values: put the commas back.
    const value = p.length > 4 ? p.slice(3).map(text).join(',') : p[3];
    const group = p[1].group ? String(p[1].group) : undefined;
    switch (p[0]) {
      case 'fn':
        raw.name ||= text(value);
        break;
      case 'n': {
        // family; given; additional; prefix; suffix → "prefix given additional family suffix"
        const n = (Array.isArray(value) ? value : [value]) as unknown[];
        raw.nameParts = [n[3], n[1], n[2], n[0], n[4]].map(text);
        break;
      }
      case 'email':
        raw.emails.push(text(value));
        raw.emailTypes.push(channelLabel(p, group, labels));
        break;
      case 'tel':
        raw.phones.push(text(value).replace(/^tel:/i, ''));
        raw.phoneTypes.push(channelLabel(p, group, labels));
        break;
      case 'bday':
        raw.birthday ||= text(value);
        break;
      case 'anniversary':
      case 'x-ms-anniversary':
      case 'x-anniversary':
        raw.dates.push({ label: 'Anniversary', value: text(value) });
        break;
      case 'x-abdate':
        raw.dates.push({ label: (group && labels.get(group)) || 'Date', value: text(value) });
        break;
      case 'note':
        raw.notes.push(text(value));
        break;
      case 'org':
        raw.organization ||= (Array.isArray(value) ? value.map(text) : [text(value)]).filter(Boolean).join(', ');
        break;
      case 'title':
        raw.custom.push(['Title', text(value)]);
        break;
      case 'nickname':
        raw.custom.push(['Nickname', text(value)]);
        break;
      case 'adr': {
        // PO box; extended; street; locality; region; postal code; country
        const a = (Array.isArray(value) ? value : [value]) as unknown[];
        const formatted = [a[0], a[1], a[2], a[3], a[4], a[5], a[6]]
          .map(text)
          .map((s) => s.trim())
          .filter(Boolean)
          .join(', ');
        if (!formatted) break;
        const kind = (group && labels.get(group)) || typesOf(p).find((t) => t !== 'pref');
        const label = kind ? `Address (${kind.toLowerCase()})` : 'Address';
        addresses.push(label);
        const n = addresses.filter((x) => x === label).length;
        raw.custom.push([n > 1 ? `${label} ${n}` : label, formatted]);
        break;
      }
      case 'x-mindfulcrm-field': {
        const label = p[1]['x-label'];
        if (typeof label === 'string') raw.custom.push([label, text(value)]);
        break;
      }
      case 'photo':
        if (!raw.photo) {
          raw.photo = photoBytes(p);
          if (!raw.photo && text(value).trim()) photoIsUrl = true;
        }
        break;
    }
  }
  const result = finishRow(line, raw);
  if (photoIsUrl) result.warnings.push({ line, field: 'photo', reason: 'is a link; only photos inside the card are imported' });
  return result;
}
