import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { ImportField, IMPORT_FORMATS } from '../../../shared/api/imports.js';
import { badRequest } from '../../platform/errors.js';
import { decodeFile, type Encoding } from './decode.js';
import { csvRecords, csvRowToDraft, detectDelimiter, proposeField } from './csv.js';
import type { Issue, RowResult } from './draft.js';
import { cardToDraft, splitCards } from './vcard.js';

export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type OpenedFile = {
  format: ImportFormat;
  encoding: Encoding;
  delimiter: string | null;
  headers: string[];
  /** The proposed field per column (CSV). */
  proposed: ImportField[];
  /** A few values of each column, from the first data rows (CSV). */
  samples: string[][];
  /** Every data row or card as a contact or a failure, in file order; yields the event loop as it goes. */
  rows(mapping?: ImportField[]): AsyncGenerator<RowResult>;
  /** The decoded text of a calendar (.ics) file, read by ics.ts instead of rows(). */
  calendarText?: string;
};

/** Values shown per column in the preview, each cut to a length that fits a table cell. */
const SAMPLE_ROWS = 3;
const SAMPLE_CHARS = 80;

/**
 * Cards, and CSV rows, between two turns of the event loop: parsing and checking rows is
 * synchronous work (a stream piped into the parser resolves on microtasks, which never let other
 * requests in), so a 10,000-row file would otherwise hold the loop for seconds.
 */
const CARDS_PER_TURN = 25;
const ROWS_PER_TURN = 100;

/** Decodes the file and tells what it is; refuses (400) anything that is not CSV, vCard or iCalendar. */
export async function openImportFile(bytes: Buffer): Promise<OpenedFile> {
  if (!bytes.length) throw badRequest('The file is empty. Choose a CSV or vCard (.vcf) file with contacts, or an iCalendar (.ics) file.');
  const { text, encoding } = decodeFile(bytes);
  if (/^\s*BEGIN:VCARD/i.test(text.slice(0, 1024))) {
    return {
      format: 'vcard',
      encoding,
      delimiter: null,
      headers: [],
      proposed: [],
      samples: [],
      async *rows() {
        let n = 0;
        for (const card of splitCards(text)) {
          if (++n % CARDS_PER_TURN === 0) await yieldToLoop();
          yield cardToDraft(card);
        }
      },
    };
  }
  if (/^\s*BEGIN:VCALENDAR/i.test(text.slice(0, 1024))) {
    return {
      format: 'ics',
      encoding,
      delimiter: null,
      headers: [],
      proposed: [],
      samples: [],
      async *rows() {},
      calendarText: text,
    };
  }
  if (text.includes('\0') || /^\s*[{<]/i.test(text)) {
    throw badRequest(
      'This file is not a CSV, vCard or iCalendar file. Export your contacts as CSV or vCard (.vcf), or your calendar as .ics, and try again.',
    );
  }
  const delimiter = detectDelimiter(text);
  const headerIssues: Issue[] = [];
  const head = csvRecords(text, delimiter, headerIssues);
  const first = await head.next();
  if (first.done || !first.value.cells.some((c) => c.trim())) {
    await head.return(undefined);
    throw badRequest('The CSV file has no header row. Its first line must name the columns.');
  }
  const headers = first.value.cells.map((h) => h.trim());
  const proposed = headers.map(proposeField);
  const samples: string[][] = headers.map(() => []);
  for (let n = 0; n < SAMPLE_ROWS; n++) {
    const next = await head.next();
    if (next.done) break;
    next.value.cells.forEach((cell, i) => {
      const value = cell.trim();
      if (value && samples[i]) samples[i]!.push(value.slice(0, SAMPLE_CHARS));
    });
  }
  await head.return(undefined);
  return {
    format: 'csv',
    encoding,
    delimiter,
    headers,
    proposed,
    samples,
    async *rows(mapping = proposed) {
      const broken: Issue[] = [];
      let isHeader = true;
      let n = 0;
      for await (const record of csvRecords(text, delimiter, broken)) {
        if (++n % ROWS_PER_TURN === 0) await yieldToLoop();
        while (broken.length) {
          const issue = broken.shift()!;
          yield { line: issue.line, draft: null, error: issue, warnings: [] };
        }
        if (isHeader) {
          isHeader = false;
          continue;
        }
        yield csvRowToDraft(record, headers, mapping);
      }
      for (const issue of broken) yield { line: issue.line, draft: null, error: issue, warnings: [] };
    },
  };
}
