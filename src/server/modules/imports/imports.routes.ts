import type { FastifyRequest } from 'fastify';
import { z, type ZodError } from 'zod';
import type { App } from '../../app.js';
import { MULTIPART_OVERHEAD, multipartRoutes } from '../../platform/http/multipart.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { requireActor } from '../../platform/http/security.js';
import { sendProgressStream } from '../../platform/http/progress-stream.js';
import { Readable } from 'node:stream';
import {
  exportCsvQuery,
  exportVcfQuery,
  importParams,
  importPreviewResponse,
  importResponse,
  importStartedResponse,
  startImportFields,
  type StartImportFields,
} from '../../../shared/api/imports.js';

const TAGS = ['imports'];
const FIELD = 'file';
const tooLarge = () =>
  new AppError('payload_too_large', `The file is larger than ${LIMITS.imports.fileBytes / 1024 / 1024} MB. Split it into smaller files.`);

/** The file and the text fields of a multipart body, checked. */
async function readForm(req: FastifyRequest): Promise<{ bytes: Buffer; filename: string; fields: StartImportFields }> {
  if (!req.isMultipart()) {
    throw new AppError('unsupported_media_type', `Send the file as multipart/form-data, in a field named "${FIELD}".`);
  }
  if (Number(req.headers['content-length']) > LIMITS.imports.fileBytes + MULTIPART_OVERHEAD) throw tooLarge();
  let bytes: Buffer | undefined;
  let filename = '';
  const raw: Record<string, string> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== FIELD || bytes) {
          part.file.resume();
          throw badRequest(`Send one file, in a form field named "${FIELD}".`);
        }
        bytes = await part.toBuffer();
        if (part.file.truncated || bytes.length > LIMITS.imports.fileBytes) throw tooLarge();
        filename = part.filename ?? '';
      } else {
        raw[part.fieldname] = String(part.value);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw badRequest('The multipart body is malformed. Send the file as multipart/form-data.');
  }
  if (!bytes) throw badRequest(`No file was sent. Put the contacts file in a form field named "${FIELD}".`);
  const parsed = startImportFields.safeParse(raw);
  if (!parsed.success) {
    const issue = (parsed.error as ZodError).issues[0]!;
    throw badRequest(`${String(issue.path[0] ?? 'form')} ${issue.message}`, { field: issue.path[0] });
  }
  return { bytes, filename, fields: parsed.data };
}

export async function registerImportsRoutes(app: App) {
  const { imports, contacts } = app.services;

  // Exports stream: contacts are read a page at a time while the answer is being sent.
  app.get(
    '/api/contacts/export.vcf',
    {
      schema: {
        tags: TAGS,
        description: 'vCard 4.0 (or 3.0 with version=3.0) of one, selected (ids=…) or all contacts, with the filters of GET /api/contacts.',
        querystring: exportVcfQuery,
        response: { 200: { description: 'The vCards', content: { 'text/vcard': { schema: z.string() } } } },
      },
      config: { longStatements: true },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      await contacts.recordExport(actor, 'vcf', req.query);
      const pages = contacts.exportPages(actor, req.query, true);
      const version = req.query.version;
      const { vcardOf } = await import('./contacts-export.js');
      async function* cards() {
        for await (const page of pages) yield page.map((row) => vcardOf(row, version)).join('');
      }
      reply
        .type('text/vcard; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contacts.vcf"')
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(cards()) as never);
    },
  );

  app.get(
    '/api/contacts/export.csv',
    {
      schema: {
        tags: TAGS,
        description:
          'CSV (UTF-8 with BOM, RFC 4180) of the contacts list with the filters of GET /api/contacts, or of ids=…; cells that start with = + - @ tab or CR get a leading apostrophe.',
        querystring: exportCsvQuery,
        response: { 200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } } },
      },
      config: { longStatements: true },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      await contacts.recordExport(actor, 'csv', req.query);
      const keys = await contacts.exportCustomKeys(actor, req.query);
      const pages = contacts.exportPages(actor, req.query);
      const { csvHeader, csvLines, csvRowOf } = await import('./contacts-export.js');
      async function* lines() {
        yield `\uFEFF${csvLines([csvHeader(keys)])}`;
        for await (const page of pages) yield csvLines(page.map((row) => csvRowOf(row, keys)));
      }
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="contacts.csv"')
        .header('cache-control', 'no-store');
      return reply.send(Readable.from(lines()) as never);
    },
  );

  await multipartRoutes(app, { fileBytes: LIMITS.imports.fileBytes, fieldSize: 20_000 }, (scope) => {
    scope.post(
      '/api/imports/preview',
      {
        schema: {
          tags: TAGS,
          description: `multipart/form-data with a CSV or vCard file in the field "${FIELD}" (at most ${LIMITS.imports.fileBytes / 1024 / 1024} MB), and optionally "mapping" (a JSON array: one field per column). Answers what the file is and its first rows as they would be imported; nothing is saved.`,
          consumes: ['multipart/form-data'],
          response: { 200: importPreviewResponse },
        },
      },
      async (req) => {
        const actor = requireActor(req);
        const { bytes, fields } = await readForm(req);
        return imports.preview(actor, bytes, fields.mapping);
      },
    );
    scope.post(
      '/api/imports',
      {
        schema: {
          tags: TAGS,
          description: `multipart/form-data: the file in "${FIELD}"; optional "mapping" (JSON array, one field per column), "tagIds" (comma-separated tag ids given to everyone imported) and "duplicates" (skip, update or create; skip by default). The import runs as a job: follow it with GET /api/imports/:id or its events.`,
          consumes: ['multipart/form-data'],
          response: { 202: importStartedResponse },
        },
        config: { longStatements: true },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        const { bytes, filename, fields } = await readForm(req);
        return reply.status(202).send(await imports.start(actor, bytes, filename, fields));
      },
    );
  });

  app.get('/api/imports/:id', { schema: { tags: TAGS, params: importParams, response: { 200: importResponse } } }, async (req) =>
    imports.get(requireActor(req), req.params.id),
  );

  // Server-sent events: a "progress" event whenever the count moves, then "done" with the report.
  app.get(
    '/api/imports/:id/events',
    {
      schema: {
        tags: TAGS,
        description:
          'text/event-stream: "progress" events ({ processed, total }) while the import runs, then one "done" event with the import; an "error" event ({ message }) ends the stream if the import cannot be read any more.',
        params: importParams,
        response: { 200: { description: 'Server-sent events', content: { 'text/event-stream': { schema: z.string() } } } },
      },
    },
    async (req, reply) => {
      const actor = requireActor(req);
      await sendProgressStream(req, reply, {
        first: await imports.get(actor, req.params.id),
        next: () => imports.get(actor, req.params.id),
        progress: (job) => ({ processed: job.processed, total: job.total }),
        done: (job) => job.status === 'finished' || job.status === 'failed',
        pollMs: LIMITS.imports.progressPollMs,
      });
    },
  );
}
