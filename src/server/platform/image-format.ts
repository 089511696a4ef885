/**
 * Image types recognised by their first bytes. The filename and the client's Content-Type are
 * never consulted: both are whatever the sender chose to write.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'heic';

/** Enough bytes for every signature below, including an ISO-BMFF brand list. */
export const SNIFF_BYTES = 64;

export const FORMAT_LABELS: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  avif: 'AVIF',
  heic: 'HEIC',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1']);

const ascii = (head: Buffer, start: number, end: number) => head.subarray(start, end).toString('latin1');

/** HEIF and AVIF are ISO-BMFF files: an `ftyp` box whose brands say which codec the image uses. */
function sniffHeif(head: Buffer): ImageFormat | undefined {
  if (head.length < 16 || ascii(head, 4, 8) !== 'ftyp') return undefined;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brands = [ascii(head, 8, 12)];
  for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(ascii(head, at, at + 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIC_BRANDS.has(b) || GENERIC_HEIF_BRANDS.has(b))) return 'heic';
  return undefined;
}

export function sniffImageFormat(head: Buffer): ImageFormat | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (head.length >= 6 && /^GIF8[79]a$/.test(ascii(head, 0, 6))) return 'gif';
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  return sniffHeif(head);
}

/** A human name for a common non-image (or unsupported image) file, for the error message. */
export function describeUnsupported(head: Buffer): string | undefined {
  const start = ascii(head, 0, 16);
  if (start.startsWith('%PDF')) return 'a PDF document';
  if (start.startsWith('PK\u0003\u0004')) return 'a ZIP archive (or an Office document)';
  if (start.startsWith('BM')) return 'a BMP image';
  if (start.startsWith('II*\u0000') || start.startsWith('MM\u0000*')) return 'a TIFF image';
  if (/^\s*<(\?xml|svg)/i.test(start)) return 'an SVG or XML file';
  if (sniffHeif(head) === undefined && ascii(head, 4, 8) === 'ftyp') return 'a video or an unsupported HEIF file';
  // Printable ASCII and common whitespace only: someone renamed a text file.
  if (head.length > 0 && head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127))) return 'a text file';
  return undefined;
}
