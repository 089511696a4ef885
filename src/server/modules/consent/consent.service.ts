import crypto from 'node:crypto';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors.js';
import { LIMITS } from '../../platform/limits.js';
import { EVIDENCE_KINDS, evidenceFilename, evidenceType } from './evidence-file.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { Db } from '../../platform/db.js';
import { recordAudits } from '../audit/audit.repo.js';
import type { ConsentChange, ConsentRepo } from './consent.repo.js';
import type { ConsentPurpose } from '../../../shared/domain.js';
import type { ConsentHistoryQuery, PutConsentInput } from '../../../shared/api/consents.js';

type Deps = { repo: ConsentRepo; cursors: CursorCodec; clock: () => Date; onChange: (userId: string) => Promise<void> };

export type ConsentDecision = Omit<PutConsentInput, 'evidenceId'> & { purpose: ConsentPurpose; evidenceId?: string | null };

export function createConsentService({ repo, cursors, clock, onChange }: Deps) {
  /** A decision as the ledger stores it; a bad expiry is a 400 a person can act on. */
  function toChange(input: ConsentDecision): ConsentChange {
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && !input.granted) {
      throw badRequest('An expiry applies to a grant only: leave expiresAt empty when consent is withdrawn.', { field: 'expiresAt' });
    }
    if (expiresAt && expiresAt.getTime() <= clock().getTime()) {
      throw badRequest('The expiry must be in the future.', { field: 'expiresAt' });
    }
    return {
      purpose: input.purpose,
      granted: input.granted,
      method: input.method,
      note: input.note,
      expiresAt,
      evidenceId: input.evidenceId ?? null,
    };
  }

  /**
   * Appends the decision for the user's contacts among ids, with one audit entry per contact, in
   * the caller's transaction (two statements whatever the number of contacts). Answers the
   * contacts written. The caller commits, then calls onChange.
   */
  async function recordWithin(tx: Db, userId: string, contactIds: readonly string[], change: ConsentChange, onlyIfChanged = false) {
    const written = await repo.append(tx, userId, contactIds, change, { onlyIfChanged });
    await recordAudits(
      tx,
      written.map((c) => ({
        userId,
        action: 'consent.changed' as const,
        entityType: 'contact',
        entityId: c.id,
        details: { name: c.name, purpose: change.purpose, granted: change.granted, method: change.method },
      })),
    );
    return written;
  }

  return {
    toChange,
    recordWithin,

    async states(actor: Actor, contactId: string): Promise<string> {
      const json = await repo.statesJson(actor.userId, contactId, clock());
      if (!json) throw notFound('Contact');
      return json;
    },

    async history(actor: Actor, contactId: string, query: ConsentHistoryQuery): Promise<string> {
      const scope = `consents:${contactId}:${query.purpose ?? ''}`;
      const afterId = query.cursor ? cursors.decode(scope, query.cursor).id : undefined;
      const rows = await repo.historyPage(actor.userId, contactId, { purpose: query.purpose, limit: query.limit, afterId });
      if (!rows) throw notFound('Contact');
      return cursors.jsonPage(scope, rows, query.limit);
    },

    /** PUT /api/contacts/:id/consents/:purpose: appends one entry (audited) and answers the contact's states. */
    async record(actor: Actor, contactId: string, input: ConsentDecision): Promise<string> {
      const change = toChange(input);
      if (change.evidenceId && !(await repo.evidenceBelongs(actor.userId, contactId, change.evidenceId))) {
        throw badRequest('The evidence file is not one of this contact’s. Upload it for this contact first.', { field: 'evidenceId' });
      }
      const written = await repo.transaction((tx) => recordWithin(tx, actor.userId, [contactId], change));
      if (!written.length) throw notFound('Contact');
      await onChange(actor.userId);
      const json = await repo.statesJson(actor.userId, contactId, clock());
      if (!json) throw notFound('Contact');
      return json;
    },

    /** POST /api/contacts/:id/consents/evidence: keeps a file that shows a decision, checked by its content. */
    async uploadEvidence(actor: Actor, contactId: string, upload: { bytes: Buffer; filename?: string }): Promise<string> {
      if (!upload.bytes.length) throw badRequest('The file is empty. Choose the signed form, scan or saved message.');
      const mimeType = evidenceType(upload.bytes);
      if (!mimeType) throw new AppError('unsupported_media_type', `Evidence must be ${EVIDENCE_KINDS}.`);
      const stored = await repo.insertEvidence(
        actor.userId,
        contactId,
        {
          filename: evidenceFilename(upload.filename),
          mimeType,
          sha256: crypto.createHash('sha256').update(upload.bytes).digest('hex'),
          data: upload.bytes,
        },
        LIMITS.consent.evidencePerContact,
      );
      if (!stored) throw notFound('Contact');
      if (stored === 'full') {
        throw conflict(`This contact already has ${LIMITS.consent.evidencePerContact} evidence files, the most kept per contact.`);
      }
      await onChange(actor.userId);
      return stored;
    },

    /** GET …/consents/evidence/:evidenceId: the file as uploaded. */
    async evidence(actor: Actor, contactId: string, evidenceId: string) {
      const file = await repo.findEvidence(actor.userId, contactId, evidenceId);
      if (!file) throw notFound('Evidence file');
      return file;
    },
  };
}
export type ConsentService = ReturnType<typeof createConsentService>;
