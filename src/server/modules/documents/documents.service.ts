import { badRequest, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { ContactDocumentsQuery, ListDocumentsQuery } from '../../../shared/api/documents.js';
import { searchTerms } from '../contacts/search-text.js';
import type { DocumentsRepo, DocumentWrite } from './documents.repo.js';

type Deps = { repo: DocumentsRepo; cursors: CursorCodec; onChange: (userId: string) => Promise<void> | void };

/** Documents (from Drive sync) and their links to contacts: the reads of the app and the sync's batch writes. */
export function createDocumentsService({ repo, cursors, onChange }: Deps) {
  const decode = (scope: string, cursor?: string) => (cursor ? cursors.decode(scope, cursor) : undefined);

  return {
    /** A contact's documents, newest first; JSON text. */
    async listForContact(actor: Actor, contactId: string, query: ContactDocumentsQuery): Promise<string> {
      const scope = `documents:contact:${contactId}`;
      const rows = await repo.contactPage(actor.userId, contactId, { limit: query.limit, after: decode(scope, query.cursor) });
      if (!rows) throw notFound('Contact');
      return cursors.jsonPage(scope, rows, query.limit);
    },

    /** The user's documents, newest first, or those whose title and text hold every word of `q`; JSON text. */
    async list(actor: Actor, query: ListDocumentsQuery): Promise<string> {
      const terms = query.q ? searchTerms(query.q) : [];
      if (query.q && !terms.length) throw badRequest('Type at least one word to search documents.');
      const scope = `documents:${terms.join(' ')}`;
      const rows = await repo.page(actor.userId, terms, { limit: query.limit, after: decode(scope, query.cursor) });
      return cursors.jsonPage(scope, rows, query.limit);
    },

    async get(actor: Actor, id: string): Promise<string> {
      const json = await repo.detail(actor.userId, id);
      if (!json) throw notFound('Document');
      return json;
    },

    stored: repo.stored,
    directory: repo.directory,

    /**
     * One batch of a sync, in one transaction: documents written with their links, documents removed
     * (and, after a full listing, every document whose file was not seen); `onChange` once, only when
     * a row changed. Answers the rows changed, and the documents removed because their file was not seen.
     */
    async applyBatch(
      userId: string,
      batch: { upserts: DocumentWrite[]; removals: string[]; keepOnly?: string[] },
    ): Promise<{ changed: number; unseen: number }> {
      const result = await repo.transaction(async (tx) => {
        const unseen = batch.keepOnly ? await repo.removeUnseen(tx, userId, batch.keepOnly) : 0;
        const changed = (await repo.remove(tx, userId, batch.removals)) + (await repo.upsert(tx, userId, batch.upserts)) + unseen;
        return { changed, unseen };
      });
      if (result.changed) await onChange(userId);
      return result;
    },
  };
}
export type DocumentsService = ReturnType<typeof createDocumentsService>;
