import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { conflict, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { ImageProcessor } from '../../platform/image-processor.js';
import type { Actor } from '../../platform/http/types.js';
import type { PhotosRepo } from './photos.repo.js';
import type { ListPhotosQuery, UploadPhotoQuery } from '../../../shared/api/photos.js';

type Deps = {
  repo: PhotosRepo;
  images: ImageProcessor;
  cursors: CursorCodec;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
};

export type PhotoBytes = { etag: string; mime: string; data: Buffer | null };

const CURSOR_SCOPE = 'photos:created:desc';

/** `"abc", W/"def"` → ['abc', 'def']; `*` matches any photo. */
function parseIfNoneMatch(header: string | undefined): { hashes: string[]; isAny: boolean } {
  if (!header) return { hashes: [], isAny: false };
  const tags = header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  return { hashes: tags.filter((t) => /^[0-9a-f]{64}$/.test(t)).slice(0, 20), isAny: tags.includes('*') };
}

export function createPhotosService({ repo, images, cursors, clock, onChange }: Deps) {
  /**
   * Whether the contact allows photo_enrichment now, from the consent ledger (expiry included);
   * undefined when the contact is not the user's.
   */
  const hasPhotoConsent = (userId: string, contactId: string): Promise<boolean | undefined> => repo.photoConsentOf(userId, contactId);

  return {
    /** Checked before the upload is read, so a stranger's contact or a refusal costs no image work. */
    async requireUploadAllowed(actor: Actor, contactId: string): Promise<void> {
      const consent = await hasPhotoConsent(actor.userId, contactId);
      if (consent === undefined) throw notFound('Contact');
      if (!consent) {
        throw conflict('This contact has not given photo consent. Record their consent on the contact first, then upload the photo.', {
          reason: 'no_photo_consent',
        });
      }
    },

    /**
     * Processes the stream into a new photo of the contact; answers it as JSON text. It becomes
     * the contact's picture when asked (activate=true), or when they have none and nothing was said.
     */
    async upload(actor: Actor, contactId: string, file: Readable, query: UploadPhotoQuery = {}): Promise<string> {
      const image = await images.toSquareWebp(file);
      const sha256 = crypto.createHash('sha256').update(image.data).digest('hex');
      const activate = query.activate === 'true' ? 'always' : query.activate === 'false' ? 'never' : 'if_none';
      const json = await repo.insert(actor.userId, contactId, { ...image, sha256, createdAt: clock() }, activate);
      if (!json) throw notFound('Contact');
      await onChange(actor.userId);
      return json;
    },

    async list(actor: Actor, contactId: string, query: ListPhotosQuery): Promise<string> {
      const after = query.cursor ? cursors.decode(CURSOR_SCOPE, query.cursor) : undefined;
      const rows = await repo.findPage(actor.userId, contactId, query.limit, after);
      if (!rows) throw notFound('Contact');
      return cursors.jsonPage(CURSOR_SCOPE, rows, query.limit);
    },

    async activate(actor: Actor, contactId: string, photoId: string): Promise<string> {
      const json = await repo.activate(actor.userId, contactId, photoId, clock());
      if (!json) throw notFound('Photo');
      await onChange(actor.userId);
      return json;
    },

    /** Soft delete: gone from every read at once, restorable until the purge job removes it. */
    async remove(actor: Actor, photoId: string): Promise<void> {
      if (!(await repo.softDelete(actor.userId, photoId, clock()))) throw notFound('Photo');
      await onChange(actor.userId);
    },

    async restore(actor: Actor, photoId: string): Promise<string> {
      const json = await repo.restore(actor.userId, photoId);
      if (!json) throw notFound('Deleted photo');
      await onChange(actor.userId);
      return json;
    },

    /** data is null when the client's If-None-Match already names these bytes (answer 304). */
    async getBytes(actor: Actor, photoId: string, ifNoneMatch: string | undefined): Promise<PhotoBytes> {
      const { hashes, isAny } = parseIfNoneMatch(ifNoneMatch);
      const row = await repo.findBytes(actor.userId, photoId, isAny ? 'any' : hashes);
      if (!row) throw notFound('Photo');
      return { etag: `"${row.sha256}"`, mime: row.mime, data: row.data };
    },
  };
}
