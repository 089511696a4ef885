import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { PracticeCache } from '../../platform/practice-cache.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import type { ContactsRepo, ContactRow, ContactWrite } from './contacts.repo.js';
import type { BulkInput, ContactInput, ListContactsQuery } from '../../../shared/api/contacts.js';
import { buildSearchText, searchTerms } from './search-text.js';

type Deps = {
  repo: ContactsRepo;
  cursors: CursorCodec;
  cache: PracticeCache;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
};

const unknownTags = (ids: string[]) =>
  new AppError('unprocessable', 'Some tags do not exist. Refresh your tags and try again.', { unknownTagIds: ids });

function toWrite(input: ContactInput): Partial<ContactWrite> {
  const { tagIds: _tagIds, lastContactAt, ...rest } = input;
  const write: Partial<ContactWrite> = { ...rest };
  if (lastContactAt !== undefined) write.lastContactAt = lastContactAt === null ? null : new Date(lastContactAt);
  return write;
}

export function createContactsService({ repo, cursors, cache, clock, onChange }: Deps) {
  async function requireOwnedTags(userId: string, tagIds: string[], tx?: Parameters<ContactsRepo['findOwnedTagIds']>[2]) {
    const owned = new Set(await repo.findOwnedTagIds(userId, tagIds, tx));
    const missing = tagIds.filter((id) => !owned.has(id));
    if (missing.length) throw unknownTags(missing);
  }

  async function getJson(actor: Actor, id: string): Promise<Buffer> {
    const json = await cache.read(actor.userId, `contact:${id}`, LIMITS.cache.listTtlMs, () => repo.findDetailJson(actor.userId, id));
    if (!json) throw notFound('Contact');
    return json;
  }

  function filterOf(query: ListContactsQuery) {
    const lastContactBefore = query.noContactDays ? new Date(clock().getTime() - query.noContactDays * 86_400_000) : undefined;
    return {
      terms: query.q ? searchTerms(query.q) : [],
      tagIds: query.tags,
      tagMode: query.tagMode,
      stages: query.stage,
      status: query.status,
      aiConsent: query.aiConsent,
      photoConsent: query.photoConsent,
      lastContactBefore,
      reconnect: query.reconnect ? { group: query.reconnect, now: clock(), defaults: DEFAULT_KEEP_IN_TOUCH_DAYS } : undefined,
    };
  }

  /** One statement: the page as JSON text, with the cursor to the next one. */
  async function listFresh(actor: Actor, query: ListContactsQuery): Promise<string> {
    const scope = `contacts:${query.sort}:${query.order}`;
    const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
    const rows = await repo.findPage(actor.userId, filterOf(query), { sort: query.sort, order: query.order, limit: query.limit, after });
    return cursors.jsonPage(scope, rows, query.limit);
  }

  return {
    /** A page as JSON text, from the per-user cache when nothing changed since it was last read. */
    async list(actor: Actor, query: ListContactsQuery): Promise<Buffer> {
      const page = await cache.read(actor.userId, `contacts:${JSON.stringify(query)}`, LIMITS.cache.listTtlMs, () =>
        listFresh(actor, query),
      );
      return page!;
    },

    /** How many contacts match the list's filters (cursor, sort and limit aside); one statement, cached. */
    async count(actor: Actor, query: ListContactsQuery): Promise<{ total: number }> {
      const { cursor: _cursor, limit: _limit, sort: _sort, order: _order, ...filters } = query;
      const text = await cache.read(actor.userId, `contacts-count:${JSON.stringify(filters)}`, LIMITS.cache.listTtlMs, async () =>
        JSON.stringify({ total: await repo.count(actor.userId, filterOf(query)) }),
      );
      return JSON.parse(text!.toString()) as { total: number };
    },

    get: getJson,

    async create(actor: Actor, input: ContactInput & { name: string }): Promise<Buffer> {
      const { userId } = actor;
      const write = toWrite(input) as ContactWrite & { name: string };
      const id = await repo.transaction(async (tx) => {
        if (input.tagIds?.length) await requireOwnedTags(userId, input.tagIds, tx);
        const row = await repo.insert(userId, { ...write, searchText: buildSearchText(withDefaults(write)) }, tx);
        if (input.tagIds?.length) await repo.setTags(userId, row.id, input.tagIds, tx);
        return row.id;
      });
      await onChange(userId);
      return getJson(actor, id);
    },

    async update(actor: Actor, id: string, input: ContactInput): Promise<Buffer> {
      const { userId } = actor;
      await repo.transaction(async (tx) => {
        const current = await repo.findRow(userId, id, tx);
        if (!current) throw notFound('Contact');
        const write = toWrite(input);
        const merged: ContactRow = { ...current, ...(write as Partial<ContactRow>) };
        await repo.update(userId, id, { ...write, searchText: buildSearchText(merged), updatedAt: clock() }, tx);
        if (input.tagIds) {
          await requireOwnedTags(userId, input.tagIds, tx);
          await repo.setTags(userId, id, input.tagIds, tx);
        }
      });
      await onChange(userId);
      return getJson(actor, id);
    },

    /** Erases the contact and everything derived from it (see repo.erase), and every cached page. */
    async remove(actor: Actor, id: string): Promise<void> {
      const erased = await repo.transaction((tx) => repo.erase(actor.userId, [id], tx));
      if (!erased.length) throw notFound('Contact');
      await onChange(actor.userId);
      await cache.forget(actor.userId);
    },

    async deletePreview(actor: Actor, id: string) {
      const preview = await repo.deletePreview(actor.userId, id);
      if (!preview) throw notFound('Contact');
      return { contact: { id, name: preview.name }, willDelete: preview.del, willUnlink: preview.unlink };
    },

    /** Acts on the caller's contacts among ids; every other id is reported as not found. */
    async bulk(actor: Actor, input: BulkInput) {
      const { userId } = actor;
      const ids = [...new Set(input.ids)];
      const affected = await repo.transaction(async (tx) => {
        const owned = await repo.findOwnedIds(userId, ids, tx);
        if (!owned.length) return owned;
        switch (input.action) {
          case 'tag':
            await requireOwnedTags(userId, input.tagIds, tx);
            await repo.bulkTag(userId, owned, input.tagIds, tx);
            break;
          case 'untag':
            await repo.bulkUntag(userId, owned, input.tagIds, tx);
            break;
          case 'set_stage':
            await repo.bulkSetStage(userId, owned, input.stage, clock(), tx);
            break;
          case 'delete':
            await repo.erase(userId, owned, tx);
            break;
        }
        return owned;
      });
      const ownedSet = new Set(affected);
      if (affected.length) await onChange(userId);
      if (affected.length && input.action === 'delete') await cache.forget(userId);
      return { action: input.action, affected, notFound: ids.filter((id) => !ownedSet.has(id)) };
    },
  };
}

function withDefaults(w: Partial<ContactWrite> & { name: string }) {
  return {
    name: w.name,
    emails: w.emails ?? [],
    phones: w.phones ?? [],
    notes: w.notes ?? '',
    customFields: w.customFields ?? {},
    socialHandles: w.socialHandles ?? {},
  };
}
