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
export const putConsentBody = z.strictObject({
  ...consentChangeFields,
  /** A file uploaded first with POST /api/contacts/:id/consents/evidence, shown with the entry. */
  evidenceId: uuidId('must be an evidence file id (UUID) from POST /api/contacts/:id/consents/evidence').nullable().default(null),
});
export type PutConsentInput = z.output<typeof putConsentBody>;

/** The action POST /api/contacts/bulk takes to record one decision for many contacts. */
export const bulkConsentFields = { purpose, ...consentChangeFields };

export const consentHistoryQuery = z.strictObject({ ...pageQueryFields, purpose: purpose.optional() });
export type ConsentHistoryQuery = z.output<typeof consentHistoryQuery>;

export const consentEvidenceParams = z.strictObject({
  id: uuidId('must be a contact id (UUID)'),
  evidenceId: uuidId('must be an evidence file id (UUID)'),
});
/** An evidence file as lists show it (its bytes come from GET …/evidence/:evidenceId). */
export const consentEvidenceResponse = z.strictObject({
  id: z.uuid(),
  contactId: z.uuid(),
  filename: z.string(),
  mimeType: z.string(),
  byteSize: z.number().int(),
  createdAt: dateTimeOut,
});
export const consentEvidenceBytes = z.string().meta({ format: 'binary', examples: ['(the file as uploaded)'] });
const evidenceLink = z.strictObject({ id: z.uuid(), filename: z.string(), mimeType: z.string(), byteSize: z.number().int() }).nullable();

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
  evidence: evidenceLink,
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
  evidence: evidenceLink,
});
export const consentStatesResponse = z.strictObject({ contactId: z.uuid(), purposes: z.array(consentStateResponse) });

export type ConsentEntry = z.infer<typeof consentEntryResponse>;
export type ConsentState = z.infer<typeof consentStateResponse>;
export type ConsentStates = z.infer<typeof consentStatesResponse>;
export type ConsentHistory = z.infer<typeof consentHistoryResponse>;
export type ConsentEvidence = z.infer<typeof consentEvidenceResponse>;
export type PutConsentBody = z.input<typeof putConsentBody>;
