import { z } from 'zod';
import { uuidId } from './ids.js';
import { dateTimeOut, isoDateTime } from './dates.js';
import { pageQueryFields } from './page-query.js';
import { LIMITS } from '../../server/platform/limits.js';
import { CONSENT_METHODS, CONSENT_PURPOSES } from '../domain.js';

const purpose = z.enum(CONSENT_PURPOSES, { message: `must be one of ${CONSENT_PURPOSES.join(', ')}` });
const method = z.enum(CONSENT_METHODS, { message: `must be one of ${CONSENT_METHODS.join(', ')}` });
const note = z.string().trim().max(LIMITS.consent.noteChars, `must be at most ${LIMITS.consent.noteChars} characters`);

export const consentContactParams = z.strictObject({ id: uuidId('must be a contact id (UUID)') });
export const consentPurposeParams = z.strictObject({ id: uuidId('must be a contact id (UUID)'), purpose });

/** The decision a PUT records; the expiry must be in the future (checked by the service against its clock). */
export const consentChangeFields = {
  granted: z.boolean({ message: 'must be true (granted) or false (withdrawn)' }),
  method,
  note: note.default(''),
  expiresAt: isoDateTime.nullable().default(null),
};
export const putConsentBody = z.strictObject(consentChangeFields);
export type PutConsentInput = z.output<typeof putConsentBody>;

/** The action POST /api/contacts/bulk takes to record one decision for many contacts. */
export const bulkConsentFields = { purpose, ...consentChangeFields };

export const consentHistoryQuery = z.strictObject({ ...pageQueryFields, purpose: purpose.optional() });
export type ConsentHistoryQuery = z.output<typeof consentHistoryQuery>;

export const consentEntryResponse = z.strictObject({
  id: z.uuid(),
  contactId: z.uuid(),
  purpose,
  granted: z.boolean(),
  method,
  note: z.string(),
  expiresAt: dateTimeOut.nullable(),
  recordedBy: z.uuid().nullable(),
  recordedAt: dateTimeOut,
});
export const consentHistoryResponse = z.strictObject({ items: z.array(consentEntryResponse), nextCursor: z.string().nullable() });

/** The current state of one purpose: granted now (an expired grant is not), and the entry it comes from. */
export const consentStateResponse = z.strictObject({
  purpose,
  granted: z.boolean(),
  /** True when the latest entry is a grant whose expiry has passed. */
  expired: z.boolean(),
  since: dateTimeOut.nullable(),
  method: method.nullable(),
  note: z.string().nullable(),
  expiresAt: dateTimeOut.nullable(),
  entryId: z.uuid().nullable(),
});
export const consentStatesResponse = z.strictObject({ contactId: z.uuid(), purposes: z.array(consentStateResponse) });

export type ConsentEntry = z.infer<typeof consentEntryResponse>;
export type ConsentState = z.infer<typeof consentStateResponse>;
export type ConsentStates = z.infer<typeof consentStatesResponse>;
export type ConsentHistory = z.infer<typeof consentHistoryResponse>;
export type PutConsentBody = z.input<typeof putConsentBody>;
