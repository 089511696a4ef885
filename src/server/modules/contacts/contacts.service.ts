import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { PracticeCache } from '../../platform/practice-cache.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import type { ContactsRepo, ContactRow, ContactWrite } from './contacts.repo.js';
import type { BulkInput, ContactInput, ListContactsQuery } from '../../../shared/api/contacts.js';
import { buildSearchText, searchTerms } from './search-text.js';
import type { ConsentService } from '../consent/consent.service.js';
import type { Db } from '../../platform/db.js';
import { needsCountry, phoneKeys } from './phones.js';

type Deps = {
  repo: ContactsRepo;
  cursors: CursorCodec;
  cache: PracticeCache;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
  /** The consent ledger: hasAiConsent / hasPhotoConsent in a body append entries to it. */
  consent: ConsentService;
};

const unknownTags = (ids: string[]) =>
  new AppError('unprocessable', 'Some tags do not exist. Refresh your tags and try again.', { unknownTagIds: ids });

/** Only labels of an email or phone the contact has are kept (a removed phone takes its label with it). */
const labelsOf = (labels: Record<string, string>, values: string[]) =>
  Object.fromEntries(Object.entries(labels).filter(([k]) => values.includes(k)));

/** The labels to write when the values or the labels change; nothing when neither does. */
function channelLabels(write: Partial<ContactWrite>, current?: ContactRow): Partial<ContactWrite> {
  const out: Partial<ContactWrite> = {};
  if (write.emails || write.emailLabels)
    out.emailLabels = labelsOf(write.emailLabels ?? current?.emailLabels ?? {}, write.emails ?? current?.emails ?? []);
  if (write.phones || write.phoneLabels)
    out.phoneLabels = labelsOf(write.phoneLabels ?? current?.phoneLabels ?? {}, write.phones ?? current?.phones ?? []);
  return out;
}

function toWrite(input: ContactInput): Partial<ContactWrite> {
  const { tagIds: _tagIds, lastContactAt, hasAiConsent: _ai, hasPhotoConsent: _photo, ...rest } = input;
  const write: Partial<ContactWrite> = { ...rest };
  if (lastContactAt !== undefined) write.lastContactAt = lastContactAt === null ? null : new Date(lastContactAt);
  return write;
}

export function createContactsService({ repo, cursors, cache, clock, onChange, consent }: Deps) {
  /**
   * The consent flags of a contact body are views of the ledger: setting one appends an entry
   * (method 'other') when it changes the contact's current state, in the write's transaction.
   */
  async function recordConsentFlags(tx: Db, userId: string, id: string, input: ContactInput) {
    const flags = [
      ['ai_processing', input.hasAiConsent],
      ['photo_enrichment', input.hasPhotoConsent],
    ] as const;
    for (const [purpose, granted] of flags) {
      if (granted === undefined) continue;
      const change = consent.toChange({ purpose, granted, method: 'other', note: '', expiresAt: null });
      await consent.recordWithin(tx, userId, [id], change, true);
    }
  }

  async function requireOwnedTags(userId: string, tagIds: string[], tx?: Parameters<ContactsRepo['findOwnedTagIds']>[2]) {
    const owned = new Set(await repo.findOwnedTagIds(userId, tagIds, tx));
    const missing = tagIds.filter((id) => !owned.has(id));
    if (missing.length) throw unknownTags(missing);
  }

  /** The duplicate-detection keys of the phones; the account's country is read only when a number needs it. */
  async function phonesE164(userId: string, phones: string[], tx: Parameters<ContactsRepo['findCountry']>[1]) {
    return phoneKeys(phones, needsCountry(phones) ? await repo.findCountry(userId, tx) : null);
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
      consent: query.consent,
      noConsent: query.noConsent,
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

    /** The ids behind "select all N matching", capped at what one bulk action accepts. */
    async matchingIds(actor: Actor, query: ListContactsQuery): Promise<{ ids: string[]; total: number }> {
      const filter = filterOf(query);
      const [ids, total] = await Promise.all([repo.matchingIds(actor.userId, filter, LIMITS.bulkIds), repo.count(actor.userId, filter)]);
      return { ids, total };
    },

    get: getJson,

    async create(actor: Actor, input: ContactInput & { name: string }): Promise<Buffer> {
      const { userId } = actor;
      const given = toWrite(input);
      const write = { ...given, ...channelLabels(given) } as ContactWrite & { name: string };
      const id = await repo.transaction(async (tx) => {
        if (input.tagIds?.length) await requireOwnedTags(userId, input.tagIds, tx);
        if (input.phones?.length) write.phonesE164 = await phonesE164(userId, input.phones, tx);
        const row = await repo.insert(userId, { ...write, searchText: buildSearchText(withDefaults(write)) }, tx);
        if (input.tagIds?.length) await repo.setTags(userId, row.id, input.tagIds, tx);
        await recordConsentFlags(tx, userId, row.id, input);
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
        const given = toWrite(input);
        const write = { ...given, ...channelLabels(given, current) };
        if (input.phones) write.phonesE164 = await phonesE164(userId, input.phones, tx);
        const merged: ContactRow = { ...current, ...(write as Partial<ContactRow>) };
        await repo.update(userId, id, { ...write, searchText: buildSearchText(merged), updatedAt: clock() }, tx);
        if (input.tagIds) {
          await requireOwnedTags(userId, input.tagIds, tx);
          await repo.setTags(userId, id, input.tagIds, tx);
        }
        await recordConsentFlags(tx, userId, id, input);
      });
      await onChange(userId);
      return getJson(actor, id);
    },

    /** After the account's country changed: every phone key again, with the new default country. */
    async renormalisePhones(actor: Actor): Promise<void> {
      const { userId } = actor;
      await repo.transaction(async (tx) => {
        const country = await repo.findCountry(userId, tx);
        const rows = await repo.findPhones(userId, tx);
        for (let i = 0; i < rows.length; i += LIMITS.interactionBatchRows) {
          const batch = rows.slice(i, i + LIMITS.interactionBatchRows).map((r) => ({ id: r.id, keys: phoneKeys(r.phones, country) }));
          await repo.setPhoneKeys(userId, batch, tx);
        }
      });
      await onChange(userId);
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
      // Checked before anything is written: a bad expiry is a 400 for the whole request.
      const consentChange = input.action === 'set_consent' ? consent.toChange(input) : undefined;
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
          case 'set_consent':
            await consent.recordWithin(tx as Db, userId, owned, consentChange!);
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
