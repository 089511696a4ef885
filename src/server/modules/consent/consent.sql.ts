import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { consents } from '../../db/schema/index.js';
import type { ConsentPurpose } from '../../../shared/domain.js';

/**
 * Whether a contact allows a purpose at an instant: its latest entry recorded by then (recorded_at,
 * then seq) is a grant that has not expired. No entry means no consent. Reads the
 * consents_latest_idx index once per contact; the contact's hasAiConsent / hasPhotoConsent and the
 * list filters are this expression. The instant defaults to the statement's start, not the
 * transaction's (`now()`): an entry a write records inside its transaction, stamped after that
 * transaction began, must count for the contact that write answers (PostgreSQL flaked on it).
 */
export const consentGrantedSql = (
  contactId: SQLWrapper | SQL,
  purpose: ConsentPurpose,
  at: SQL = sql`statement_timestamp()`,
) => sql`coalesce((
  select x.is_granted and (x.expires_at is null or x.expires_at > ${at})
  from ${consents} x
  where x.contact_id = ${contactId} and x.purpose = ${purpose}::consent_purpose and x.recorded_at <= ${at}
  order by x.recorded_at desc, x.seq desc
  limit 1), false)`;
