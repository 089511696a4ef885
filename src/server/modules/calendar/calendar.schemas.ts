import { z } from 'zod';
import { LIMITS } from '../../platform/limits.js';
import { uuidId } from '../../platform/ids.js';

const T = LIMITS.text;

/** A session put in the calendar by hand (Google and ICS events arrive through sync and import). */
export const createEventBody = z
  .strictObject({
    title: z.string().trim().min(1, 'is required').max(T.short),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    location: z.string().max(T.short).default(''),
    contactId: uuidId('must be a contact id (UUID)').optional(),
  })
  .refine((b) => !b.endsAt || Date.parse(b.endsAt) >= Date.parse(b.startsAt), {
    message: 'must not be before the start',
    path: ['endsAt'],
  });
export type CreateEventInput = z.output<typeof createEventBody>;

export const eventResponse = z.object({
  id: z.uuid(),
  title: z.string(),
  location: z.string(),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  contactId: z.uuid().nullable(),
});
