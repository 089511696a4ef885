import { sendCachedRead } from '../../platform/http/cached-read.js';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../app.js';
import { MULTIPART_OVERHEAD, multipartRoutes } from '../../platform/http/multipart.js';
import { AppError, badRequest } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { requireActor } from '../../platform/http/security.js';
import { sendJsonText } from '../../platform/http/json-text.js';
import {
  activateParams,
  contactParams,
  listPhotosQuery,
  photoBytesResponse,
  photoPageResponse,
  photoParams,
  photoResponse,
  uploadPhotoQuery,
} from '../../../shared/api/photos.js';

const TAGS = ['photos'];
const FIELD = 'file';
const tooLarge = () =>
  new AppError('payload_too_large', `The photo is larger than ${LIMITS.photo.uploadBytes / 1024 / 1024} MB. Choose a smaller image.`);

/** The upload's file stream, not yet read: the image processor reads it within its job slot. */
async function openFilePart(req: FastifyRequest): Promise<Readable> {
  if (!req.isMultipart()) {
    throw new AppError('unsupported_media_type', `Send the photo as multipart/form-data, in a field named "${FIELD}".`);
  }
  let part: Awaited<ReturnType<FastifyRequest['file']>>;
  try {
    part = await req.file();
  } catch {
    throw badRequest('The multipart body is malformed. Send the photo as multipart/form-data.');
  }
  if (!part) throw badRequest(`No file was sent. Put the image in a form field named "${FIELD}".`);
  if (part.fieldname !== FIELD) {
    part.file.destroy();
    throw badRequest(`The image must be in a form field named "${FIELD}" (got "${part.fieldname}").`);
  }
  return part.file;
}

export async function registerPhotosRoutes(app: App) {
  const { photos } = app.services;

  await multipartRoutes(app, { fileBytes: LIMITS.photo.uploadBytes }, (scope) => {
    scope.post(
      '/api/contacts/:id/photos',
      {
        schema: {
          tags: TAGS,
          description: `multipart/form-data with the image in the field "${FIELD}" (JPEG, PNG, WebP, GIF; AVIF and HEIC when the server can decode them; at most ${LIMITS.photo.uploadBytes / 1024 / 1024} MB). It becomes the contact's picture with activate=true, or when the contact has none. Refused with 409 without the contact's photo consent.`,
          consumes: ['multipart/form-data'],
          params: contactParams,
          querystring: uploadPhotoQuery,
          response: { 201: photoResponse },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        await app.services.limiter.consume({ key: `photo-upload:${actor.userId}`, limit: LIMITS.photo.uploadsPerUser }, 'photo uploads');
        if (Number(req.headers['content-length']) > LIMITS.photo.uploadBytes + MULTIPART_OVERHEAD) throw tooLarge();
        await photos.requireUploadAllowed(actor, req.params.id);
        const file = await openFilePart(req);
        return sendJsonText(reply, await photos.upload(actor, req.params.id, file, req.query), 201);
      },
    );
  });

  app.get(
    '/api/contacts/:id/photos',
    { schema: { tags: TAGS, params: contactParams, querystring: listPhotosQuery, response: { 200: photoPageResponse } } },
    async (req, reply) => sendCachedRead(req, reply, () => photos.list(requireActor(req), req.params.id, req.query)),
  );

  app.post(
    '/api/contacts/:id/photos/:photoId/activate',
    { schema: { tags: TAGS, params: activateParams, response: { 200: photoResponse } } },
    async (req, reply) => sendJsonText(reply, await photos.activate(requireActor(req), req.params.id, req.params.photoId)),
  );

  app.post(
    '/api/photos/:id/restore',
    { schema: { tags: TAGS, params: photoParams, response: { 200: photoResponse } } },
    async (req, reply) => sendJsonText(reply, await photos.restore(requireActor(req), req.params.id)),
  );

  app.delete('/api/photos/:id', { schema: { tags: TAGS, params: photoParams, response: { 204: z.null() } } }, async (req, reply) => {
    await photos.remove(requireActor(req), req.params.id);
    return reply.status(204).send(null);
  });

  // Revalidated on every use (a 304 costs no bytes): after sign-out the browser cannot show a kept copy.
  const bytesSchema = {
    tags: TAGS,
    description: 'The image/webp bytes; 304 on a matching If-None-Match.',
    params: photoParams,
    response: {
      200: { description: 'The photo', content: { 'image/webp': { schema: photoBytesResponse } } },
      304: z.null().describe('Not modified: If-None-Match named these bytes'),
    },
  };
  app.get('/api/photos/:id', { schema: bytesSchema }, async (req, reply) => {
    const photo = await photos.getBytes(requireActor(req), req.params.id, req.headers['if-none-match']);
    reply.header('etag', photo.etag).header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff');
    if (!photo.data) return reply.status(304).send(null);
    return reply.type(photo.mime).send(photo.data as never);
  });
}
