import { sniffImageFormat } from '../../platform/image-format.js';

/** The kinds of evidence file kept: what a signed form, a scan or a saved message is. */
const IMAGE_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  avif: 'image/avif',
};
export const EVIDENCE_KINDS = 'a PDF, an image (JPEG, PNG, WebP, GIF, HEIC) or a plain-text file';

/**
 * The type of an evidence file from its first bytes (never from its name or the client's
 * Content-Type): PDF, an image, or UTF-8 text without control characters; undefined otherwise.
 */
export function evidenceType(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  const image = sniffImageFormat(bytes.subarray(0, 64));
  if (image) return IMAGE_TYPES[image];
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // Text: tabs and line breaks, but no other control characters (a binary file decodes too, often).
    if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text)) return 'text/plain; charset=utf-8';
  } catch {
    // not UTF-8
  }
  return undefined;
}

/** The name kept for the file: its last path part, without control characters, at most 200 characters. */
export function evidenceFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = base.replace(/[\u0000-\u001F\u007F"]/g, '').trim();
  return clean.slice(0, 200) || 'evidence';
}

/** A Content-Disposition that downloads the file under its name, whatever characters it holds (RFC 6266). */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7E]/g, '_').replace(/[\\"]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
