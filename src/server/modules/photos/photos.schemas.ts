import { z } from 'zod';
import { pageQueryFields } from '../../platform/http/page-query.js';

const contactId = z.uuid({ message: 'must be a contact id (UUID)' });
const photoId = z.uuid({ message: 'must be a photo id (UUID)' });

export const contactParams = z.strictObject({ id: contactId });
export const activateParams = z.strictObject({ id: contactId, photoId });
export const photoParams = z.strictObject({ id: photoId });

export const uploadPhotoQuery = z.strictObject({
  activate: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .describe(
      "true: the upload becomes the contact's picture; false: it only joins the history; unset: it becomes the picture only when the contact has none",
    ),
});
export type UploadPhotoQuery = z.output<typeof uploadPhotoQuery>;

export const listPhotosQuery = z.strictObject({
  ...pageQueryFields,
});
export type ListPhotosQuery = z.output<typeof listPhotosQuery>;

export const photoResponse = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  url: z.string().describe('GET it for the image/webp bytes; the URL never changes content'),
  width: z.number(),
  height: z.number(),
  byteSize: z.number(),
  createdAt: z.string(),
  isActive: z.boolean(),
});
export const photoPageResponse = z.object({ items: z.array(photoResponse), nextCursor: z.string().nullable() });
