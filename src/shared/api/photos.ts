import { z } from 'zod';
import { dateTimeOut } from './dates.js';
import { uuidId } from './ids.js';
import { pageQueryFields } from './page-query.js';

const contactId = uuidId('must be a contact id (UUID)');
const photoId = uuidId('must be a photo id (UUID)');

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

export const photoResponse = z.strictObject({
  id: z.uuid(),
  contactId: z.uuid(),
  url: z.string().describe('GET it for the image/webp bytes; the URL never changes content'),
  width: z.number(),
  height: z.number(),
  byteSize: z.number(),
  createdAt: dateTimeOut,
  isActive: z.boolean(),
});
export const photoPageResponse = z.strictObject({ items: z.array(photoResponse), nextCursor: z.string().nullable() });
/** GET /api/photos/:id answers the image/webp bytes. */
export const photoBytesResponse = z.string().meta({ format: 'binary', examples: ['(image/webp bytes)'] });

export type Photo = z.infer<typeof photoResponse>;
