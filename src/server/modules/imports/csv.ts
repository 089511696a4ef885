import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ImportField } from '../../../shared/api/imports.js';
import { LIMITS } from '../../platform/limits.js';
import { emptyRaw, finishRow, type Issue, type RowResult } from './draft.js';

const DELIMITERS = [',', ';', '\t', '|'] as const;
const CHUNK_CHARS = 64 * 1024;

/** The delimiter that splits the header line into the most columns (quoted parts aside). */
export function detectDelimiter(text: string): string {
  const firstLine = (text.match(/^[^\r\n]*/)?.[0] ?? '').replace(/"[^"]*"/g, '""');
  let best: string = ',';
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const count = firstLine.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

/**
 * Header → field, after lower-casing and dropping everything but a-z and 0-9, so that "E-mail 1 -
 * Value", localised umlauts and the replacement characters of a damaged export compare alike.
 */
const key = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

const EXACT: Record<string, ImportField> = {
  name: 'name',
  fullname: 'name',
  displayname: 'name',
  givenname: 'firstName',
  firstname: 'firstName',
  vorname: 'firstName',
  additionalname: 'middleName',
  middlename: 'middleName',
  weiterevornamen: 'middleName',
  familyname: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  nachname: 'lastName',
  nameprefix: 'prefix',
  title: 'prefix',
  anrede: 'prefix',
  namesuffix: 'suffix',
  suffix: 'suffix',
  birthday: 'birthday',
  geburtstag: 'birthday',
  anniversary: 'anniversary',
  importantdates: 'importantDates',
  jahrestag: 'anniversary',
  notes: 'notes',
  note: 'notes',
  notizen: 'notes',
  company: 'organization',
  firma: 'organization',
  organization: 'organization',
  organizationname: 'organization',
  organization1name: 'organization',
  jobtitle: 'title',
  position: 'title',
  organizationtitle: 'title',
  organization1title: 'title',
  nickname: 'custom',
  website: 'custom',
  webpage: 'custom',
  webseite: 'custom',
  department: 'custom',
  abteilung: 'custom',
  organization1department: 'custom',
};

/** The field proposed for a column of Google Contacts, Outlook (English or German) or our own export. */
export function proposeField(header: string): ImportField {
  const k = key(header);
  if (/^custom/i.test(header.trim())) return 'custom';
  if (EXACT[k]) return EXACT[k];
  // E-mail 1 - Value, E-mail Address, E-mail 2 Address, E-Mail-Adresse, E-Mail 2: Adresse, Email
  if (/^e?mail\d*(value|address|adresse)?$/.test(k)) return 'email';
  // Phone 1 - Value, Mobile Phone, Business Phone, Telefon geschäftlich, Mobiltelefon, Fax privat, Pager
  if (/(type|typ|label)$/.test(k)) return 'ignore';
  if (/^phone\d+value$/.test(k) || /(phone|telefon|^fax|fax$|^pager$|^mobile$)/.test(k)) return 'phone';
  // Address 1 - Formatted; Outlook's street, city, postcode and country columns keep their names.
  if (/^address\d+formatted$/.test(k)) return 'address';
  if (/^(business|home|other)(street\d?|city|state|postalcode|countryregion)$/.test(k)) return 'address';
  if (/^(strae|ort|postleitzahl|landregion|region|bundeslandkanton)(geschftlich|privat)?\d?$/.test(k)) return 'address';
  if (/^weiter(e|er|es|ese|esr)?(strae|ort|postleitzahl|landregion|bundeslandkanton)\d?$/.test(k)) return 'address';
  return 'ignore';
}

export type CsvRecord = { line: number; cells: string[] };

/**
 * Every record of the file, header first, read by csv-parse in chunks (the event loop gets a turn
 * between them). A record the parser cannot read is reported on `broken` and skipped.
 */
export async function* csvRecords(text: string, delimiter: string, broken: Issue[]): AsyncGenerator<CsvRecord> {
  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err) => {
      broken.push({
        line: Number((err as { lines?: number } | undefined)?.lines ?? 0),
        field: 'row',
        reason: 'is not valid CSV (check its quotes)',
      });
      return undefined;
    },
  });
  const chunks = function* () {
    for (let i = 0; i < text.length; i += CHUNK_CHARS) yield text.slice(i, i + CHUNK_CHARS);
  };
  Readable.from(chunks()).pipe(parser);
  let endLine = 0;
  let empty = 0;
  for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number; empty_lines: number } }>) {
    const start = endLine + 1 + (item.info.empty_lines - empty);
    endLine = item.info.lines;
    empty = item.info.empty_lines;
    yield { line: start, cells: item.record };
  }
}

const NAME_ORDER: ImportField[] = ['prefix', 'firstName', 'middleName', 'lastName', 'suffix'];

/** One data record as a contact, through the mapping (a field per column). */
export function csvRowToDraft(record: CsvRecord, headers: string[], mapping: ImportField[]): RowResult {
  const raw = emptyRaw();
  const parts = new Map<ImportField, string[]>();
  for (let i = 0; i < record.cells.length; i++) {
    const field = mapping[i] ?? 'ignore';
    if (field === 'ignore') continue;
    // Our export (and careful spreadsheets) put an apostrophe before a cell that looks like a formula.
    const value = record.cells[i]!.trim().replace(/^'(?=[=+\-@\t\r])/, '');
    if (!value) continue;
    const header = headers[i] ?? `Column ${i + 1}`;
    if (value.length > LIMITS.imports.cellChars) {
      return {
        line: record.line,
        draft: null,
        error: { line: record.line, field: header, reason: `is longer than ${LIMITS.imports.cellChars / 1024} KB` },
        warnings: [],
      };
    }
    // Google puts several values of one kind in one cell: "a@example.org ::: b@example.org".
    const many = () => value.split(':::').map((v) => v.trim());
    switch (field) {
      case 'name':
        raw.name ||= value;
        break;
      case 'email':
        raw.emails.push(...many());
        break;
      case 'phone':
        raw.phones.push(...many());
        break;
      case 'birthday':
        raw.birthday ||= value;
        break;
      case 'anniversary':
        raw.dates.push({ label: 'Anniversary', value });
        break;
      case 'importantDates':
        // "Label: YYYY-MM-DD ::: Label: YYYY-MM-DD", as the CSV export writes them.
        for (const item of many()) {
          const m = item.match(/^(.*):\s*(\S+)$/);
          raw.dates.push({ label: m?.[1]?.trim() || 'Date', value: m ? m[2]! : item });
        }
        break;
      case 'notes':
        raw.notes.push(value);
        break;
      case 'organization':
        raw.organization ||= value;
        break;
      case 'title':
        raw.custom.push(['Title', value]);
        break;
      case 'address':
      case 'custom':
        raw.custom.push([header.replace(/^\s*custom:\s*/i, ''), value]);
        break;
      default:
        parts.set(field, [...(parts.get(field) ?? []), value]);
    }
  }
  raw.nameParts = NAME_ORDER.flatMap((f) => parts.get(f) ?? []);
  return finishRow(record.line, raw);
}
