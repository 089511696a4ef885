import { DEFAULT_KEEP_IN_TOUCH_DAYS } from '../../../shared/domain.js';
import { AppError, notFound } from '../../platform/errors.js';
import { StaleVersion, versionedWrite } from '../../platform/versions.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { PracticeCache, Probe } from '../../platform/practice-cache.js';
import { LIMITS } from '../../platform/limits.js';
import { chunksOf } from '../../platform/chunks.js';
import type { Actor } from '../../platform/http/types.js';
import type { ContactsRepo, ContactRow, ContactWrite, ExportRow } from './contacts.repo.js';
import type { BulkInput, ContactInput, ListContactsQuery } from '../../../shared/api/contacts.js';
import type { ExportQuery } from '../../../shared/api/imports.js';
import { buildSearchText, searchTerms } from './search-text.js';
import type { ConsentService } from '../consent/consent.service.js';
import type { Db } from '../../platform/db.js';
import { needsCountry, phoneKeys } from './phones.js';
import { digits, mergeImported, type ImportBatchOptions, type ImportedContact, type ImportOutcome } from './contacts-import.js';

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

/** A contact's detail in the read cache: named by its id alone, so GET /api/contacts/:id finds it before validation. */
export const contactEntryName = (id: string) => `contact:${id}`;

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

  /** `probed`: where the route's early lookup found the entry missing (its key, not looked up again). */
  async function getJson(actor: Actor, id: string, probed?: Probe): Promise<Buffer> {
    const json = await cache.read(
      actor.userId,
      contactEntryName(id),
      LIMITS.cache.listTtlMs,
      () => repo.findDetailJson(actor.userId, id),
      probed,
    );
    if (!json) throw notFound('Contact');
    return json;
  }

  function filterOf(query: Omit<ListContactsQuery, 'cursor' | 'limit' | 'sort' | 'order'>) {
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

  /**
   * The edit in one transaction on the locked row: refused (StaleVersion) when the row is not at
   * `expected`; undefined when the contact is not the caller's.
   */
  async function updateLocked(userId: string, id: string, input: ContactInput, expected: number | undefined) {
    return repo.transaction(async (tx) => {
      const current = await repo.findRow(userId, id, tx);
      if (!current) return undefined;
      if (expected !== undefined && current.version !== expected) throw new StaleVersion();
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
      // Read in the write's transaction: the answer is the version this write made.
      return repo.findDetailJson(userId, id, tx);
    });
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

    /** How many contacts match the list's filters (cursor, sort and limit aside), as `{ total }` JSON; one statement. */
    async count(actor: Actor, query: ListContactsQuery): Promise<string> {
      return JSON.stringify({ total: await repo.count(actor.userId, filterOf(query)) });
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

    /** `expected`: the version the edit was made from (a 409 with the current contact when it moved on). */
    async update(actor: Actor, id: string, input: ContactInput, expected?: number): Promise<string> {
      const { userId } = actor;
      const json = await versionedWrite(
        'contact',
        expected,
        () => updateLocked(userId, id, input, expected),
        () => repo.findDetailJson(userId, id),
      );
      await onChange(userId);
      return json;
    },

    /** After the account's country changed: every phone key again, with the new default country. */
    async renormalisePhones(actor: Actor): Promise<void> {
      const { userId } = actor;
      await repo.transaction(async (tx) => {
        const country = await repo.findCountry(userId, tx);
        const rows = await repo.findPhones(userId, tx);
        for (const chunk of chunksOf(rows, LIMITS.interactionBatchRows)) {
          const batch = chunk.map((r) => ({ id: r.id, keys: phoneKeys(r.phones, country) }));
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

    /**
     * Writes one batch of imported contacts in one transaction: each matches an existing contact by
     * any email or phone (created before `matchCreatedBefore`), which is updated or left as it is,
     * or becomes a new contact; all of them get `tagIds`. A few statements per batch, onChange once.
     */
    async importBatch(userId: string, drafts: ImportedContact[], options: ImportBatchOptions): Promise<ImportOutcome[]> {
      const outcomes = await repo.transaction(async (tx) => {
        if (options.tagIds.length) await requireOwnedTags(userId, options.tagIds, tx);
        const matches =
          options.duplicates === 'create'
            ? []
            : await repo.findImportMatches(
                userId,
                [...new Set(drafts.flatMap((d) => d.emails))],
                [...new Set(drafts.flatMap((d) => d.phones.map(digits)).filter((p) => p.length >= 3))],
                drafts.filter((d) => !d.emails.length && !d.phones.length).map((d) => d.name),
                options.matchCreatedBefore,
                tx,
              );
        const result: (ImportOutcome | null)[] = drafts.map(() => null);
        const inserts: { index: number; write: ContactWrite & { name: string } }[] = [];
        for (const [index, draft] of drafts.entries()) {
          const phoneSet = new Set(draft.phones.map(digits).filter((p) => p.length >= 3));
          const byEmail = matches.find((m) => m.emails.some((e) => draft.emails.includes(e)));
          const byPhone = matches.filter((m) => m.phones.some((p) => phoneSet.has(digits(p))));
          // Without an email or a phone, only the same name can tell it is the same person.
          const byName = !draft.emails.length && !draft.phones.length ? matches.find((m) => m.name === draft.name) : undefined;
          const match = byEmail ?? byPhone.find((m) => m.name === draft.name) ?? byPhone[0] ?? byName;
          if (match) {
            const merged = options.duplicates === 'update' ? mergeImported(match, draft) : null;
            if (merged) {
              Object.assign(match, merged);
              await repo.update(
                userId,
                match.id,
                { ...merged, searchText: buildSearchText({ ...match, ...merged }), updatedAt: clock() },
                tx,
              );
            }
            result[index] = {
              outcome: merged ? 'updated' : 'skipped',
              contactId: match.id,
              hasPhotoConsent: match.hasPhotoConsent,
              hasPhoto: match.photoId !== null,
            };
          } else {
            const write = { ...draft, searchText: '' };
            write.searchText = buildSearchText(withDefaults(write));
            inserts.push({ index, write });
          }
        }
        const ids = await repo.insertMany(
          userId,
          inserts.map((i) => i.write),
          tx,
        );
        inserts.forEach((ins, n) => {
          result[ins.index] = { outcome: 'created', contactId: ids[n]!, hasPhotoConsent: false, hasPhoto: false };
        });
        const all = result as ImportOutcome[];
        if (options.tagIds.length && all.length) await repo.bulkTag(userId, [...new Set(all.map((o) => o.contactId))], options.tagIds, tx);
        await options.afterWrite?.(all, tx);
        return all;
      });
      if (outcomes.length) await onChange(userId);
      return outcomes;
    },

    /** 422 when some of the tags are not the caller's (checked before an import is queued). */
    async requireTags(actor: Actor, tagIds: string[]): Promise<void> {
      if (tagIds.length) await requireOwnedTags(actor.userId, tagIds);
    },

    /** The custom field names of the contacts an export will hold (the CSV's columns). */
    exportCustomKeys(actor: Actor, query: ExportQuery): Promise<string[]> {
      return repo.exportCustomKeys(actor.userId, filterOf(query), query.ids);
    },

    /** An export of contacts (vCard or CSV) goes to the audit log: the format and how many were chosen, never who. */
    async recordExport(actor: Actor, format: 'vcf' | 'csv', query: ExportQuery): Promise<void> {
      await repo.audit({
        userId: actor.userId,
        action: 'export.contacts',
        entityType: 'account',
        entityId: actor.userId,
        details: { format, selected: query.ids?.length ?? null },
      });
      await onChange(actor.userId);
    },

    /** The contacts of an export, page by page in name order, filtered as the list is (or only `ids`). */
    async *exportPages(actor: Actor, query: ExportQuery, withPhotos = false): AsyncGenerator<ExportRow[]> {
      let after: { key: string; id: string } | undefined;
      // Pages with pictures (tens of KB each) are smaller, so that a page stays a few MB.
      const size = withPhotos ? LIMITS.export.vcardPageRows : LIMITS.export.pageRows;
      for (;;) {
        const rows = await repo.exportPage(actor.userId, filterOf(query), query.ids, after, size, withPhotos);
        if (rows.length) yield rows;
        if (rows.length < size) return;
        const last = rows[rows.length - 1]!;
        after = { key: last.key, id: last.id };
      }
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
            await repo.bumpVersions(userId, owned, tx);
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
