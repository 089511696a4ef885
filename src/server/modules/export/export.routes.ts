import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { idParams } from '../../../shared/api/contacts.js';
import { zipBytesResponse } from '../../../shared/api/privacy-export.js';

const TAGS = ['privacy'];
const zip = (what: string) => ({ 200: { description: what, content: { 'application/zip': { schema: zipBytesResponse } } } });

export function registerExportRoutes(app: App) {
  const { exports } = app.services;

  // Streamed as it is read from the database; never kept by the browser or a proxy.
  const sendZip = (reply: import('fastify').FastifyReply, file: { filename: string; body: NodeJS.ReadableStream }) =>
    reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(file.body as never);

  app.get(
    '/api/export',
    {
      schema: {
        tags: TAGS,
        description: 'Every record of the account as a ZIP: one JSON Lines file per kind of record, the photos, a README.',
        response: zip('The archive'),
      },
      config: { errorStatuses: [429], longStatements: true },
    },
    async (req, reply) => sendZip(reply, await exports.exportAccount(requireActor(req))),
  );

  app.get(
    '/api/contacts/:id/export',
    {
      schema: {
        tags: TAGS,
        description: "One contact's records (their access request), in the same shape as the account export.",
        params: idParams,
        response: zip('The archive'),
      },
      config: { errorStatuses: [429], longStatements: true },
    },
    async (req, reply) => sendZip(reply, await exports.exportContact(requireActor(req), req.params.id)),
  );
}
