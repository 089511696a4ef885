import { is, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import * as schema from '../../db/schema/index.js';
import { consentEvidence, contactPhotos } from '../../db/schema/index.js';
import type { Db } from '../../platform/db.js';
import { queryRows } from '../../platform/db.js';
import { recordAudit, type AuditEntry } from '../audit/audit.repo.js';

/**
 * Columns never written to an export: secrets (password hash, session id hashes, OAuth tokens,
 * sync tokens), copies kept only for search or indexes, and file bytes (photos and consent
 * evidence, written as files of their own).
 */
const OMITTED_COLUMNS: Record<string, readonly string[]> = {
  users: ['password_hash'],
  sessions: ['id_hash'],
  calendar_feeds: ['token_hash'],
  oauth_connections: ['access_token_enc', 'refresh_token_enc'],
  sync_state: ['sync_token', 'page_token'],
  contacts: ['search_text', 'month_days'],
  documents: ['search_text'],
  contact_photos: ['data'],
  consent_evidence: ['data'],
};

/** Tables that hold nothing of their own: rebuilt from other rows, so exporting them adds nothing. */
export const DERIVED_TABLES: Readonly<Record<string, string>> = {
  interaction_day_counts: 'counts per day kept by triggers from interactions',
  idempotency_keys: 'answers kept for a day so that a retried request is not written twice',
  oauth_states: 'Google connections being made (ten minutes at most): nothing of the account',
  google_pending_links: 'Google sign-ins waiting for the password (ten minutes at most): the Google account id only',
};

export type ExportTable = {
  name: string;
  table: PgTable;
  /** The keyset order: unique columns, an index's order where there is one (KEYSET_ORDER), else the primary key. */
  key: PgColumn[];
  /** The column that names the owner: `id` for users, `user_id` for everything else. */
  owner: PgColumn;
  contactColumn?: PgColumn;
  omit: readonly string[];
};

/**
 * Tables that grow with the practice are paged along an index that starts with user_id (the
 * primary key alone would make every page sort all of the user's rows): these orders, id last.
 */
const KEYSET_ORDER: Record<string, readonly string[]> = {
  contacts: ['created_at', 'id'],
  interactions: ['occurred_at', 'id'],
  goals: ['created_at', 'id'],
  contact_photos: ['created_at', 'id'],
  emails: ['sent_at', 'id'],
  calendar_events: ['starts_at', 'id'],
  documents: ['modified_at', 'id'],
  audit_log: ['created_at', 'id'],
  llm_usage: ['created_at', 'id'],
  ai_prompts: ['created_at', 'id'],
  ai_event_classifications: ['created_at', 'id'],
  ai_conversations: ['updated_at', 'id'],
  ai_messages: ['created_at', 'id'],
};

function describe(table: PgTable): ExportTable | undefined {
  const config = getTableConfig(table);
  const byName = new Map(config.columns.map((c) => [c.name, c]));
  const owner = config.name === 'users' ? byName.get('id') : byName.get('user_id');
  if (!owner || DERIVED_TABLES[config.name]) return undefined;
  const ordered = KEYSET_ORDER[config.name]?.map((name) => byName.get(name)!);
  // A composite primary key names its columns through Drizzle's index-config stand-ins (whose
  // getSQLType recurses forever): take the table's own columns of the same names.
  const primary = config.primaryKeys[0]?.columns.map((c) => byName.get(c.name)!);
  const key = ordered ?? primary ?? config.columns.filter((c) => c.primary);
  if (!key.length) throw new Error(`Table ${config.name} has no primary key to page the export by`);
  return { name: config.name, table, key, owner, contactColumn: byName.get('contact_id'), omit: OMITTED_COLUMNS[config.name] ?? [] };
}

/**
 * Every table of the schema that holds a user's rows, found from the Drizzle schema itself: a table
 * added later is exported without anyone remembering to list it (test/api/export.int.test.ts also
 * compares this list with information_schema).
 */
export const EXPORT_TABLES: readonly ExportTable[] = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .flatMap((table) => describe(table) ?? [])
  .sort((a, b) => (a.name === 'users' ? -1 : b.name === 'users' ? 1 : a.name.localeCompare(b.name)));

export type Scope = { userId: string; contactId?: string };

/** Which rows of `t` belong to the scope: the whole account, or what one contact's access request covers. */
function scopeFilter(t: ExportTable, scope: Scope): SQL | undefined {
  const own = sql`x.${sql.identifier(t.owner.name)} = ${scope.userId}`;
  if (!scope.contactId) return own;
  const contactId = scope.contactId;
  if (t.name === 'contacts') return sql`${own} and x.id = ${contactId}`;
  if (t.contactColumn) return sql`${own} and x.contact_id = ${contactId}`;
  if (t.name === 'ai_prompts' || t.name === 'ai_event_classifications' || t.name === 'ai_conversations') {
    return sql`${own} and x.contact_ids @> array[${contactId}]::uuid[]`;
  }
  if (t.name === 'ai_messages') {
    return sql`${own} and x.conversation_id in (select c.id from ${schema.aiConversations} c
      where c.user_id = ${scope.userId} and c.contact_ids @> array[${contactId}]::uuid[])`;
  }
  // Rows reached through the contact's links: the tasks they are on, those tasks' activity, their tags.
  const linkedTasks = sql`(select tc.task_id from ${schema.taskContacts} tc where tc.user_id = ${scope.userId} and tc.contact_id = ${contactId})`;
  if (t.name === 'tasks') return sql`${own} and x.id in ${linkedTasks}`;
  if (t.name === 'task_activities') return sql`${own} and x.task_id in ${linkedTasks}`;
  if (t.name === 'documents') {
    return sql`${own} and x.id in (select dc.document_id from ${schema.documentContacts} dc where dc.user_id = ${scope.userId} and dc.contact_id = ${contactId})`;
  }
  if (t.name === 'tags') {
    return sql`${own} and x.id in (select ct.tag_id from ${schema.contactTags} ct where ct.user_id = ${scope.userId} and ct.contact_id = ${contactId})`;
  }
  return undefined;
}

/** The tables an export of this scope reads (one contact's export leaves out the account's own records). */
export const tablesFor = (scope: Scope) => EXPORT_TABLES.filter((t) => scopeFilter(t, scope) !== undefined);

type Page = { rows: string[]; after: string[] | undefined };

export function createExportRepo(db: Db, changed: (userId: string) => Promise<void>) {
  return {
    /**
     * One keyset page of a table's rows as JSON text (secret and derived columns left out), in
     * primary-key order after `after` (the key of the previous page's last row, as text).
     */
    async page(t: ExportTable, scope: Scope, after: string[] | undefined, limit: number): Promise<Page> {
      const filter = scopeFilter(t, scope)!;
      const cols = (alias: string) =>
        sql.join(
          t.key.map((c) => sql`${sql.raw(alias)}.${sql.identifier(c.name)}`),
          sql`, `,
        );
      const keyText = sql.join(
        t.key.map((c, i) => sql`x.${sql.identifier(c.name)}::text as ${sql.identifier(`k${i}`)}`),
        sql`, `,
      );
      const afterCond = after
        ? sql` and (${cols('x')}) > (${sql.join(
            t.key.map((c, i) => sql`cast(${after[i]} as ${sql.raw(c.getSQLType())})`),
            sql`, `,
          )})`
        : sql``;
      const omit = t.omit.length ? sql` - ${sql.raw(`array[${t.omit.map((n) => `'${n}'`).join(',')}]`)}::text[]` : sql``;
      // The page's keys are chosen first and only its rows are turned into JSON: a plan that sorts
      // (stale statistics, a table without a fitting index) sorts keys, not whole rows as JSON.
      const rows = await queryRows<Record<string, string>>(
        db,
        sql`with page as (
              select ${cols('x')} from ${t.table} x where ${filter}${afterCond}
              order by ${cols('x')} limit ${limit}
            )
            select ((to_jsonb(x) - 'user_id')${omit})::text as j, ${keyText}
            from page p join ${t.table} x on (${cols('x')}) = (${cols('p')})
            order by ${cols('x')}`,
      );
      const last = rows.at(-1);
      return {
        rows: rows.map((r) => r.j!),
        after: rows.length === limit && last ? t.key.map((_, i) => last[`k${i}`]!) : undefined,
      };
    },

    /** A page of files (photos or consent evidence, bytes included) in id order. */
    async filePage(kind: 'photos' | 'evidence', scope: Scope, afterId: string | undefined, limit: number) {
      const table = kind === 'photos' ? contactPhotos : consentEvidence;
      const name = kind === 'photos' ? sql`null` : sql`x.filename`;
      const rows = await queryRows<{
        id: string;
        contact_id: string;
        mime_type: string;
        filename: string | null;
        data: Buffer | Uint8Array;
      }>(
        db,
        sql`select id, contact_id, mime_type, ${name} as filename, data from ${table} x
            where x.user_id = ${scope.userId}
              ${scope.contactId ? sql`and x.contact_id = ${scope.contactId}` : sql``}
              ${afterId ? sql`and x.id > ${afterId}` : sql``}
            order by x.id limit ${limit}`,
      );
      return rows.map((r) => ({ ...r, data: Buffer.isBuffer(r.data) ? r.data : Buffer.from(r.data) }));
    },

    /** True when the contact is the user's. */
    async ownsContact(userId: string, contactId: string): Promise<boolean> {
      const rows = await queryRows(db, sql`select 1 from ${schema.contacts} where user_id = ${userId} and id = ${contactId}`);
      return rows.length > 0;
    },

    /** The export's audit entry; `changed` runs after it, since the audit log is a cached read. */
    async audit(entry: AuditEntry) {
      await recordAudit(db, entry);
      await changed(entry.userId);
    },
  };
}
export type ExportRepo = ReturnType<typeof createExportRepo>;
