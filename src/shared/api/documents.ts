import { z } from 'zod';
import { uuidId } from './ids.js';
import { dateTimeOut } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';

const D = LIMITS.drive;

export const documentIdParams = z.strictObject({ id: uuidId('must be a document id (UUID)') });
export const contactDocumentsParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });

export const contactDocumentsQuery = z.strictObject({ ...pageQueryFields });
export type ContactDocumentsQuery = z.output<typeof contactDocumentsQuery>;

export const listDocumentsQuery = z.strictObject({
  /** Words searched in the title and the text (accents and case ignored); every word must appear. */
  q: z
    .string()
    .trim()
    .min(D.minSearchChars, `must be at least ${D.minSearchChars} characters`)
    .max(200, 'must be at most 200 characters')
    .optional(),
  ...pageQueryFields,
});
export type ListDocumentsQuery = z.output<typeof listDocumentsQuery>;

const documentFields = {
  id: z.uuid(),
  title: z.string(),
  mimeType: z.string(),
  /** The file in Google Drive. */
  webUrl: z.string().nullable(),
  modifiedAt: dateTimeOut,
  /** The start of the extracted text (LIMITS.drive.snippetChars). */
  snippet: z.string(),
  /** The contacts the document names (only those who consented to document ingestion). */
  contacts: z.array(z.strictObject({ id: z.uuid(), name: z.string() })),
};

export const documentResponse = z.strictObject(documentFields);
export const documentPageResponse = z.strictObject({ items: z.array(documentResponse), nextCursor: z.string().nullable() });
export const documentDetailResponse = z.strictObject({
  ...documentFields,
  /** The extracted text, up to LIMITS.drive.detailChars characters. */
  text: z.string(),
  textTruncated: z.boolean(),
});

export type DocumentSummary = z.infer<typeof documentResponse>;
export type DocumentDetail = z.infer<typeof documentDetailResponse>;
