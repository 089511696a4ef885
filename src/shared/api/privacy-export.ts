import { z } from 'zod';
import { LIMITS } from '../../server/platform/limits.js';

/** The bytes of a ZIP archive (GET /api/export, GET /api/contacts/:id/export). */
export const zipBytesResponse = z.string().meta({ format: 'binary', examples: ['(application/zip bytes)'] });

/**
 * DELETE /api/account. The password confirms it; without one the session must have signed in
 * within the last few minutes (LIMITS.freshSignInMs), e.g. an account that only signs in with Google.
 */
export const deleteAccountBody = z.strictObject({
  password: z.string().min(1, 'type your password to confirm').max(LIMITS.password.max).optional(),
});
export type DeleteAccountBody = z.infer<typeof deleteAccountBody>;
