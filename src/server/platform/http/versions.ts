import type { FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';
import { etagOf } from '../../../shared/api/versions.js';
import { sendJsonText } from './json-text.js';

/** Single-record answers start with their version (`versionFirst`, or `version` first in json_build_object). */
const VERSION_PREFIX = /^\{\s*"version"\s*:\s*(\d+)\s*,/;
const MAX_VERSION = 2_147_483_647;

export function versionOfJson(text: string | Buffer): number | undefined {
  const head = Buffer.isBuffer(text) ? text.subarray(0, 48).toString('latin1') : text.slice(0, 48);
  const match = VERSION_PREFIX.exec(head);
  return match ? Number(match[1]) : undefined;
}

/** Sends one record's JSON text with its version as the ETag (the If-Match an update may send back). */
export function sendVersioned(reply: FastifyReply, text: string | Buffer, status = 200) {
  const version = versionOfJson(text);
  if (version !== undefined) reply.header('etag', etagOf(version));
  return sendJsonText(reply, text, status);
}

/**
 * The version an update was made from: `If-Match` (the ETag a read answered, `"3"`) or the body's
 * `version`; undefined when the request names neither (or `If-Match: *`), and the write is then
 * applied as it comes. Both given and different is a 400.
 */
export function expectedVersion(req: FastifyRequest, bodyVersion: number | undefined): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '*') return bodyVersion;
  const match = /^\s*"(\d{1,10})"\s*$/.exec(header);
  const version = match ? Number(match[1]) : 0;
  if (version < 1 || version > MAX_VERSION) {
    throw badRequest('If-Match must be the ETag that reading this record answered, for example "3" (with the quotes).');
  }
  if (bodyVersion !== undefined && bodyVersion !== version) {
    throw badRequest(`If-Match says version ${version} but the body says version ${bodyVersion}. Send one of them.`);
  }
  return version;
}

/** The route's body without `version`, and the version the write was made from. */
export function splitVersion<T extends { version?: number }>(
  req: FastifyRequest,
  body: T,
): { input: Omit<T, 'version'>; expected?: number } {
  const { version, ...input } = body;
  return { input, expected: expectedVersion(req, version) };
}
