import { sendCachedRead } from '../../platform/http/cached-read.js';
import type { App } from '../../app.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  contactDocumentsParams,
  contactDocumentsQuery,
  documentDetailResponse,
  documentIdParams,
  documentPageResponse,
  listDocumentsQuery,
} from '../../../shared/api/documents.js';

const TAGS = ['documents'];

// Answers are JSON text built by PostgreSQL; the response schemas document them in OpenAPI.
export function registerDocumentsRoutes(app: App) {
  const { documents } = app.services;

  app.get(
    '/api/contacts/:id/documents',
    {
      schema: {
        tags: TAGS,
        description: 'The documents (from Google Drive) that name this contact, newest first.',
        params: contactDocumentsParams,
        querystring: contactDocumentsQuery,
        response: { 200: documentPageResponse },
      },
    },
    async (req, reply) => sendCachedRead(req, reply, () => documents.listForContact(requireActor(req), req.params.id, req.query)),
  );

  app.get(
    '/api/documents',
    {
      schema: {
        tags: TAGS,
        description: 'Your documents, newest first; `q` searches the title and the text (every word, accents and case ignored).',
        querystring: listDocumentsQuery,
        response: { 200: documentPageResponse },
      },
    },
    async (req, reply) => sendJsonText(reply, await documents.list(requireActor(req), req.query)),
  );

  app.get(
    '/api/documents/:id',
    {
      schema: {
        tags: TAGS,
        description: 'One document with its extracted text (capped).',
        params: documentIdParams,
        response: { 200: documentDetailResponse },
      },
    },
    async (req, reply) => sendJsonText(reply, await documents.get(requireActor(req), req.params.id)),
  );
}
