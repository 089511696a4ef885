import ICAL from 'ical.js';
import { stringify } from 'csv-stringify/sync';
import type { ExportRow } from '../contacts/contacts.repo.js';

/** Custom fields that have their own vCard property; the others travel as X-MINDFULCRM-FIELD. */
const VCARD_FIELDS: Record<string, string> = { Organization: 'org', Title: 'title', Nickname: 'nickname' };

const textProp = (name: string, value: string, params: Record<string, string> = {}) => {
  const p = new ICAL.Property(name);
  for (const [k, v] of Object.entries(params)) p.setParameter(k, v);
  p.setValue(value);
  return p;
};

/** Labels vCard has a TYPE for; any other label travels as Apple's grouped X-ABLABEL, which phones read. */
const VCARD_TYPES: Record<string, string> = { home: 'home', work: 'work', mobile: 'cell', fax: 'fax', pager: 'pager' };

/** One contact as a vCard 4.0 or 3.0 (ical.js writes, escapes and folds it). */
export function vcardOf(row: ExportRow, version: '4.0' | '3.0'): string {
  const card = new ICAL.Component(['vcard', [], []]);
  card.addPropertyWithValue('version', version);
  card.addProperty(textProp('fn', row.name));
  const n = new ICAL.Property('n');
  // The whole name as the given name: FN is what we read back; N must be there for 3.0 readers.
  n.setValue(['', row.name, '', '', '']);
  card.addProperty(n);
  let item = 0;
  /** Adds a property with its label: a TYPE, or a group and its X-ABLABEL. */
  const labelled = (prop: InstanceType<typeof ICAL.Property>, label: string | undefined) => {
    const type = label && VCARD_TYPES[label.toLowerCase()];
    if (type) prop.setParameter('type', type);
    else if (label) {
      const group = `item${++item}`;
      prop.setParameter('group', group);
      card.addProperty(prop);
      const name = textProp('x-ablabel', label, { group });
      name.resetType('text');
      name.setValue(label);
      card.addProperty(name);
      return;
    }
    card.addProperty(prop);
  };
  for (const email of row.emails) labelled(textProp('email', email), row.emailLabels[email]);
  for (const phone of row.phones) {
    const tel = new ICAL.Property('tel');
    tel.resetType('text');
    tel.setValue(phone);
    labelled(tel, row.phoneLabels[phone]);
  }
  if (row.photo) {
    // vCard 4.0: a data URI; 3.0: inline base64.
    const photo = new ICAL.Property('photo');
    if (version === '4.0') photo.setValue(`data:${row.photo.type};base64,${row.photo.base64}`);
    else {
      photo.setParameter('encoding', 'b');
      photo.setParameter('type', row.photo.type.replace(/^image\//, '').toUpperCase());
      photo.resetType('binary');
      photo.setValue(row.photo.base64);
    }
    card.addProperty(photo);
  }
  if (row.birthday) {
    const bday = new ICAL.Property('bday');
    bday.resetType('date');
    bday.setValue(ICAL.VCardTime.fromDateAndOrTimeString(row.birthday, 'date'));
    card.addProperty(bday);
  }
  for (const d of row.importantDates) {
    if (d.label === 'Anniversary' && version === '4.0' && !card.getFirstProperty('anniversary')) {
      card.addProperty(textProp('anniversary', d.date));
      continue;
    }
    // Apple's convention, which Google and most phones read: a grouped X-ABDATE with its label.
    const group = `item${++item}`;
    card.addProperty(textProp('x-abdate', d.date, { group }));
    const label = textProp('x-ablabel', d.label, { group });
    label.resetType('text');
    label.setValue(d.label);
    card.addProperty(label);
  }
  if (row.notes) card.addProperty(textProp('note', row.notes));
  for (const [key, raw] of Object.entries(row.customFields)) {
    if (raw === null || raw === '') continue;
    const value = String(raw);
    const known = VCARD_FIELDS[key];
    if (known === 'org') {
      // One component: a structured value escapes the semicolons inside it.
      const org = new ICAL.Property('org');
      org.setValue([value] as never);
      card.addProperty(org);
    } else if (known) card.addProperty(textProp(known, value));
    else {
      const p = new ICAL.Property('x-mindfulcrm-field');
      p.setParameter('x-label', key.replace(/"/g, "'"));
      p.resetType('text');
      p.setValue(value);
      card.addProperty(p);
    }
  }
  if (row.tags.length) {
    const categories = new ICAL.Property('categories');
    categories.setValues(row.tags);
    card.addProperty(categories);
  }
  // ical.js escapes the comma of a data URI as text; phones read the URI unescaped, as RFC 2397 writes it.
  return `${card.toString().replace(/^PHOTO:(data:[^,\\\r\n]*;base64)\\,/m, 'PHOTO:$1,')}\r\n`;
}

/** A cell a spreadsheet would run as a formula gets a leading apostrophe (= + - @ tab CR). */
export const neutralise = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

export const csvHeader = (customKeys: string[]) => [
  'Name',
  'E-mail Address',
  'Phone',
  'Birthday',
  'Important Dates',
  'Notes',
  'Tags',
  'Lifecycle Stage',
  'Status',
  ...customKeys.map((k) => `Custom: ${k}`),
];

export function csvRowOf(row: ExportRow, customKeys: string[]): string[] {
  return [
    row.name,
    row.emails.join(' ::: '),
    row.phones.join(' ::: '),
    row.birthday ?? '',
    row.importantDates.map((d) => `${d.label}: ${d.date}`).join(' ::: '),
    row.notes,
    row.tags.join(' ::: '),
    row.lifecycleStage,
    row.status,
    ...customKeys.map((k) => {
      const v = row.customFields[k];
      return v === null || v === undefined ? '' : String(v);
    }),
  ];
}

/** RFC 4180 lines (quoted where needed, CRLF) with every cell neutralised. */
export const csvLines = (rows: string[][]) =>
  stringify(
    rows.map((r) => r.map(neutralise)),
    { record_delimiter: '\r\n' },
  );
