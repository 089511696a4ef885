import type { drive_v3 } from '@googleapis/drive';
import { LIMITS } from '../../platform/limits.js';

/** The Drive file types whose text is read; Google Docs are exported as plain text. */
export const DRIVE_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  text: 'text/plain',
  googleDoc: 'application/vnd.google-apps.document',
} as const;
const SUPPORTED = new Set<string>(Object.values(DRIVE_TYPES));
export const isSupported = (mimeType: string | null | undefined) => !!mimeType && SUPPORTED.has(mimeType);

/** The `q` of a Drive listing of the supported types, trashed files left out. */
export const SUPPORTED_QUERY = `trashed = false and (${[...SUPPORTED].map((t) => `mimeType = '${t}'`).join(' or ')})`;

/** A readable-but-not-extractable file (a broken PDF, a DOCX that is not one): skipped, the sync goes on. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
}

/**
 * Plain text of a file's bytes: PDF with unpdf (pdf.js), DOCX with mammoth, text as UTF-8; loaded on
 * first use, whitespace runs collapsed, capped at LIMITS.drive.textChars.
 */
export async function extractText(mimeType: string, bytes: Uint8Array): Promise<string> {
  let text: string;
  try {
    if (mimeType === DRIVE_TYPES.pdf) {
      const { extractText: pdfText, getDocumentProxy } = await import('unpdf');
      // verbosity 0: pdf.js writes its warnings to the console, outside the logger.
      const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
      text = (await pdfText(pdf, { mergePages: true })).text;
    } else if (mimeType === DRIVE_TYPES.docx) {
      const mammoth = await import('mammoth');
      text = (await mammoth.extractRawText({ buffer: Buffer.from(bytes) })).value;
    } else {
      text = Buffer.from(bytes).toString('utf8');
    }
  } catch {
    throw new UnreadableFile('The file could not be read as its type says.');
  }
  return text
    .replace(/[^\S\n]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim()
    .slice(0, LIMITS.drive.textChars);
}

/** Downloads a file through Drive's official client (export for Google Docs) and extracts its text. */
export async function downloadText(api: drive_v3.Drive, file: { id: string; mimeType: string }): Promise<string> {
  const res =
    file.mimeType === DRIVE_TYPES.googleDoc
      ? await api.files.export({ fileId: file.id, mimeType: 'text/plain' }, { responseType: 'arraybuffer' })
      : await api.files.get({ fileId: file.id, alt: 'media', supportsAllDrives: true }, { responseType: 'arraybuffer' });
  const bytes = new Uint8Array(res.data as unknown as ArrayBuffer);
  return extractText(file.mimeType === DRIVE_TYPES.googleDoc ? DRIVE_TYPES.text : file.mimeType, bytes);
}
