import { z } from 'zod';
import { AppError, conflict, notFound } from '../../platform/errors.js';
import { StaleVersion, versionedWrite } from '../../platform/versions.js';
import type { CursorCodec } from '../../platform/cursor.js';
import { LIMITS } from '../../platform/limits.js';
import { chunksOf } from '../../platform/chunks.js';
import type { Actor } from '../../platform/http/types.js';
import type { BatchRow, InteractionsRepo } from './interactions.repo.js';
import {
  importedInteraction,
  type CreateForContactsInput,
  type CreateInteractionInput,
  type ImportedInteraction,
  type ListInteractionsQuery,
  type UpdateInteractionInput,
} from '../../../shared/api/interactions.js';
import type { INTERACTION_SOURCES } from '../../../shared/domain.js';

type Deps = {
  repo: InteractionsRepo;
  cursors: CursorCodec;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
  /** Told after interactions were created (queues the background sentiment); never awaited, never fails a write. */
  onCreated?: (userId: string) => void;
};

export type UpsertResult = { inserted: number; updated: number; unchanged: number; skipped: number };

const duplicate = (source: string, sourceId: string) =>
  conflict(`An interaction from ${source} with source id "${sourceId}" already exists. Edit that interaction instead.`, {
    source,
    sourceId,
  });

const batchItems = z.array(importedInteraction);

export function createInteractionsService({ repo, cursors, clock, onChange, onCreated }: Deps) {
  const notifyCreated = (userId: string) => {
    try {
      onCreated?.(userId);
    } catch {
      // A hook that cannot queue never undoes the write: the next run scores what is left.
    }
  };
  const decode = (scope: string, cursor?: string) => (cursor ? cursors.decode(scope, cursor) : undefined);

  /** The edit in one transaction; undefined when the entry is not the user's, StaleVersion when not at `expected`. */
  function updateIn(userId: string, id: string, input: UpdateInteractionInput, expected: number | undefined) {
    return repo.transaction(async (tx) => {
      const previous = await repo.currentContactId(userId, id, tx);
      if (!previous) return undefined;
      const wanted = [previous, ...(input.contactId ? [input.contactId] : [])];
      const locked = await repo.lockContacts(userId, wanted, tx);
      if (input.contactId && !locked.includes(input.contactId)) throw notFound('Contact');
      const { occurredAt, ...rest } = input;
      const patch = { ...rest, ...(occurredAt ? { occurredAt: new Date(occurredAt) } : {}) };
      const row = await repo.update(userId, id, patch, clock(), tx, expected);
      if (!row) {
        if (expected !== undefined) throw new StaleVersion();
        return undefined;
      }
      await repo.recomputeLastContact(userId, [...locked, row.contact_id], tx);
      return row.j;
    });
  }

  return {
    /** Newest first across every contact; JSON text. */
    async listRecent(actor: Actor, query: ListInteractionsQuery): Promise<string> {
      const scope = 'interactions:recent';
      const rows = await repo.findRecentPage(actor.userId, { type: query.type, limit: query.limit, after: decode(scope, query.cursor) });
      return cursors.jsonPage(scope, rows, query.limit);
    },

    /** A contact's timeline, newest first; JSON text. */
    async listForContact(actor: Actor, contactId: string, query: ListInteractionsQuery): Promise<string> {
      const scope = `interactions:contact:${contactId}`;
      const rows = await repo.findContactPage(actor.userId, contactId, {
        type: query.type,
        limit: query.limit,
        after: decode(scope, query.cursor),
      });
      if (!rows) throw notFound('Contact');
      return cursors.jsonPage(scope, rows, query.limit);
    },

    async create(actor: Actor, input: CreateInteractionInput): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const json = await repo.transaction(async (tx) => {
        // The contact stays locked until commit, so a concurrent write's recompute sees this row.
        const [owned] = await repo.lockContacts(userId, [input.contactId], tx);
        if (!owned) throw notFound('Contact');
        const write = { ...input, occurredAt: input.occurredAt ? new Date(input.occurredAt) : now };
        const created = await repo.insert(userId, write, now, tx);
        if (!created) throw duplicate(input.source, input.sourceId ?? '');
        await repo.recomputeLastContact(userId, [owned], tx);
        return created;
      });
      await onChange(userId);
      notifyCreated(userId);
      return json;
    },

    /** A class or group session: one entry per attendee, in one transaction; every id must be the user's. */
    async createForContacts(actor: Actor, input: CreateForContactsInput): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const json = await repo.transaction(async (tx) => {
        const locked = await repo.lockContacts(userId, input.contactIds, tx);
        const missing = input.contactIds.filter((id) => !locked.includes(id));
        if (missing.length) {
          const what = missing.length === 1 ? 'One of these contacts was' : `${missing.length} of these contacts were`;
          throw new AppError('not_found', `${what} not found; nothing was logged. Remove them and try again.`, { missing });
        }
        const { contactIds: _ids, ...fields } = input;
        const write = { ...fields, occurredAt: input.occurredAt ? new Date(input.occurredAt) : now };
        const items = await repo.insertForContacts(userId, locked, write, now, tx);
        await repo.recomputeLastContact(userId, locked, tx);
        return `{"items":[${items.join(',')}]}`;
      });
      await onChange(userId);
      notifyCreated(userId);
      return json;
    },

    /** `expected`: the version the edit was made from (a 409 with the current entry when it moved on). */
    async update(actor: Actor, id: string, input: UpdateInteractionInput, expected?: number): Promise<string> {
      const { userId } = actor;
      const json = await versionedWrite(
        'interaction',
        expected,
        () => updateIn(userId, id, input, expected),
        () => repo.findJson(userId, id),
      );
      await onChange(userId);
      return json;
    },
    /** Soft delete: gone from every read at once, restorable until the purge job removes it. */
    async remove(actor: Actor, id: string): Promise<void> {
      const { userId } = actor;
      await repo.transaction(async (tx) => {
        const contactId = await repo.lockContactOf(userId, id, tx);
        if (!contactId) throw notFound('Interaction');
        const deletedFrom = await repo.softDelete(userId, id, clock(), tx);
        if (!deletedFrom) throw notFound('Interaction');
        await repo.recomputeLastContact(userId, [contactId, deletedFrom], tx);
      });
      await onChange(userId);
    },

    /** Undo of a delete; 404 when the entry is not deleted (or was purged, or is not the user's). */
    async restore(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const json = await repo.transaction(async (tx) => {
        const contactId = await repo.lockContactOf(userId, id, tx, true);
        if (!contactId) throw notFound('Deleted interaction');
        const restored = await repo.restore(userId, id, tx);
        if (!restored) throw notFound('Deleted interaction');
        await repo.recomputeLastContact(userId, [contactId], tx);
        return restored;
      });
      await onChange(userId);
      return json;
    },

    /** Scores from the AI sentiment brain (or its offline lexicon): unscored interactions only. */
    async setSentiments(userId: string, scores: Array<{ id: string; score: number }>): Promise<number> {
      const n = await repo.transaction((tx) => repo.setSentiments(userId, scores, tx));
      if (n) await onChange(userId);
      return n;
    },

    /** The calendar classification's conclusions on meeting entries (metadata `ai`); one onChange for the batch. */
    async setClassifications(userId: string, items: Array<{ id: string; ai: Record<string, unknown> }>): Promise<number> {
      const n = await repo.transaction((tx) => repo.setClassifications(userId, items, tx));
      if (n) await onChange(userId);
      return n;
    },

    /**
     * For syncs and imports: writes many interactions in one transaction, idempotently by
     * (source, sourceId). Running the same batch twice changes nothing; an item whose fields
     * changed is updated in place; items naming a contact that is not the user's are skipped.
     */
    async upsertMany(userId: string, items: ImportedInteraction[]): Promise<UpsertResult> {
      const parsed = batchItems.safeParse(items);
      if (!parsed.success) {
        throw new AppError('bad_request', 'Some interactions to import are invalid.', { issues: parsed.error.issues.slice(0, 20) });
      }
      // The last occurrence of a (source, sourceId) wins: one statement cannot update a row twice.
      const unique = new Map<string, BatchRow>();
      for (const item of parsed.data) {
        unique.set(`${item.source}\u0000${item.sourceId}`, {
          ...item,
          subject: item.subject.slice(0, LIMITS.text.short),
          content: item.content.slice(0, LIMITS.text.notes),
        });
      }
      const rows = [...unique.values()];
      const now = clock();
      const result = { inserted: 0, updated: 0, unchanged: 0, skipped: 0 };
      if (!rows.length) return result;
      await repo.transaction(async (tx) => {
        for (const chunk of chunksOf(rows, LIMITS.interactionBatchRows)) {
          const locked = await repo.lockBatchContacts(userId, chunk, tx);
          const owned = new Set(locked);
          const valid = chunk.filter((r) => owned.has(r.contactId)).length;
          const { inserted, updated } = await repo.upsertBatch(userId, chunk, now, tx);
          result.inserted += inserted;
          result.updated += updated;
          result.unchanged += valid - inserted - updated;
          result.skipped += chunk.length - valid;
          if (inserted || updated) await repo.recomputeLastContact(userId, locked, tx);
        }
      });
      if (result.inserted || result.updated) await onChange(userId);
      if (result.inserted || result.updated) notifyCreated(userId);
      return result;
    },

    /**
     * For syncs and imports: removes the entries of a source whose source ids start with `prefix`
     * (or any of several) and are not in `keep` (a cancelled event's entries, or what a full resync
     * no longer saw), in one statement, and fixes the contacts' last contact. Answers how many
     * entries were removed.
     */
    async removeFromSource(
      userId: string,
      source: (typeof INTERACTION_SOURCES)[number],
      prefix: string | string[],
      keep: string[] = [],
    ): Promise<number> {
      const prefixes = typeof prefix === 'string' ? [prefix] : prefix;
      if (!prefixes.length) return 0;
      const { contactIds, removed } = await repo.transaction(async (tx) => {
        const result = await repo.deleteFromSource(userId, source, prefixes, keep, tx);
        await repo.recomputeLastContact(userId, result.contactIds, tx);
        return result;
      });
      if (contactIds.length) await onChange(userId);
      return removed;
    },
  };
}
