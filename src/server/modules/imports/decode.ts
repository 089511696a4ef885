import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import type { IMPORT_ENCODINGS } from '../../../shared/api/imports.js';

export type Encoding = (typeof IMPORT_ENCODINGS)[number];

/**
 * UTF-16 without a byte-order mark: text files are mostly ASCII, so one byte of every pair is NUL.
 * NULs on the even bytes mean big-endian, on the odd bytes little-endian.
 */
function sniffUtf16(buf: Buffer): Encoding | undefined {
  const n = Math.min(buf.length - (buf.length % 2), 4096);
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (evenNul > pairs * 0.6 && oddNul < pairs * 0.1) return 'utf-16be';
  if (oddNul > pairs * 0.6 && evenNul < pairs * 0.1) return 'utf-16le';
  return undefined;
}

/** Which encoding the bytes are in: a BOM, else the NUL pattern of UTF-16, else UTF-8 when valid, else Windows-1252. */
export function detectEncoding(buf: Buffer): { encoding: Encoding; bomBytes: number } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  const utf16 = sniffUtf16(buf);
  if (utf16) return { encoding: utf16, bomBytes: 0 };
  return { encoding: isUtf8(buf) ? 'utf-8' : 'windows-1252', bomBytes: 0 };
}

/** The file as text, without its BOM. */
export function decodeFile(buf: Buffer): { text: string; encoding: Encoding } {
  const { encoding, bomBytes } = detectEncoding(buf);
  const body = buf.subarray(bomBytes);
  const text = encoding === 'utf-8' ? body.toString('utf8') : iconv.decode(body, encoding);
  return { text, encoding };
}

/** Bytes of a value in a declared charset (vCard 2.1 CHARSET=…), as text; unknown charsets read as UTF-8. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const name = (charset ?? 'utf-8').toLowerCase();
  if (name !== 'utf-8' && iconv.encodingExists(name)) return iconv.decode(bytes, name);
  return isUtf8(bytes) ? bytes.toString('utf8') : iconv.decode(bytes, 'windows-1252');
}
