import type { FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { App } from '../../app.js';
import { AppError, badRequest } from '../errors.js';

/** Boundaries and part headers around a file: a body bigger than the cap plus this cannot fit. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * The one file of a multipart body, read whole within `maxBytes` (413 past it, before reading when
 * Content-Length already says so). The route's scope registers @fastify/multipart with
 * `limits.fileSize` one byte over the cap and `throwFileSizeLimit: false`.
 */
export async function readOneFile(
  req: FastifyRequest,
  options: { field: string; maxBytes: number; what: string },
): Promise<{ bytes: Buffer; filename: string; type: string }> {
  const { field, maxBytes, what } = options;
  const tooLarge = () =>
    new AppError('payload_too_large', `The ${what} is larger than ${maxBytes / 1024 / 1024} MB. Choose a smaller file.`);
  if (!req.isMultipart())
    throw new AppError('unsupported_media_type', `Send the ${what} as multipart/form-data, in a field named "${field}".`);
  if (Number(req.headers['content-length']) > maxBytes + MULTIPART_OVERHEAD) throw tooLarge();
  let part: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    part = await req.file();
  } catch {
    throw badRequest(`The multipart body is malformed. Send the ${what} as multipart/form-data.`);
  }
  if (!part) throw badRequest(`No file was sent. Put the ${what} in a form field named "${field}".`);
  if (part.fieldname !== field) {
    part.file.resume();
    throw badRequest(`The ${what} must be in a form field named "${field}" (got "${part.fieldname}").`);
  }
  const bytes = await part.toBuffer();
  if (part.file.truncated || bytes.length > maxBytes) throw tooLarge();
  return { bytes, filename: part.filename ?? '', type: part.mimetype };
}

/**
 * Registers `routes` in a scope of their own that parses multipart bodies (one file of at most
 * `fileBytes`, a few small text fields), so every JSON route elsewhere keeps refusing them.
 */
export async function multipartRoutes(app: App, limits: { fileBytes: number; fieldSize?: number }, routes: (scope: App) => void) {
  await app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<ZodTypeProvider>() as unknown as App;
    await scope.register(multipart, {
      // One byte over the cap, so the route sees the overflow and answers 413.
      limits: { fileSize: limits.fileBytes + 1, files: 1, fields: 5, parts: 6, fieldSize: limits.fieldSize ?? 1024, headerPairs: 50 },
      throwFileSizeLimit: false,
    });
    // An answer given before the body was read (too large, bad type, not your contact) closes the
    // connection: otherwise Node keeps the socket, paused, waiting for the rest of a body nobody reads.
    scope.addHook('onSend', async (req, reply) => {
      if (!req.raw.complete) reply.header('connection', 'close');
    });
    routes(scope);
  });
}
