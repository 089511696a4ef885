import crypto from 'node:crypto';
import { AppError } from './errors.js';
import { createCipher } from './crypto.js';

/** Position after the last row of a page: the sort key as SQL text, and the row id as tie-break. */
export type CursorPosition = { key: string | null; id: string };

/** A row whose JSON PostgreSQL already built, with its sort key as text for the next cursor. */
export type KeyedJsonRow = { j: string; k: string | null; id: string };

/**
 * Keyset cursors are opaque to clients: AES-256-GCM, so a cursor reveals nothing (its sort key is
 * a contact's name or a date) to the browser history, a proxy or a log, and a forged or edited one
 * fails authentication instead of becoming an arbitrary SQL comparison. The key is derived from
 * the session secret; the scope ties a cursor to the sort it was made for.
 */
export function createCursorCodec(secret: string) {
  const { seal, open } = createCipher(Buffer.from(crypto.hkdfSync('sha256', secret, 'mindfulcrm', 'list cursor', 32)));
  const codec = {
    encode(scope: string, position: CursorPosition): string {
      return seal(JSON.stringify({ s: scope, k: position.key, i: position.id }));
    },
    decode(scope: string, cursor: string): CursorPosition {
      const invalid = new AppError('bad_request', 'The cursor is invalid. Start again from the first page (omit cursor).');
      const plain = /^[\w-]+$/.test(cursor) ? open(cursor) : undefined;
      if (plain === undefined) throw invalid;
      let parsed: { s?: unknown; k?: unknown; i?: unknown };
      try {
        parsed = JSON.parse(plain) as typeof parsed;
      } catch {
        throw invalid;
      }
      if (parsed.s !== scope) {
        throw new AppError('bad_request', 'The cursor belongs to a different sort order. Start again from the first page.');
      }
      if (typeof parsed.i !== 'string' || (parsed.k !== null && typeof parsed.k !== 'string')) throw invalid;
      return { key: parsed.k as string | null, id: parsed.i };
    },
    /** The list answer for rows fetched with limit + 1: the first `limit` rows and, if more exist, a cursor. */
    jsonPage(scope: string, rows: readonly KeyedJsonRow[], limit: number): string {
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > limit && last ? codec.encode(scope, { key: last.k, id: last.id }) : null;
      return `{"items":[${page.map((r) => r.j).join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
    },
  };
  return codec;
}
export type CursorCodec = ReturnType<typeof createCursorCodec>;
