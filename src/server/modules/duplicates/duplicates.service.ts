import { conflict, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import { LIMITS } from '../../platform/limits.js';
import type { Actor } from '../../platform/http/types.js';
import { recordAudit } from '../audit/audit.repo.js';
import type { Db } from '../../platform/db.js';
import { buildSearchText } from '../contacts/search-text.js';
import { phoneKey, phoneKeys } from '../contacts/phones.js';
import type { DuplicatesRepo, MatchedPair } from './duplicates.repo.js';
import type { ContactRow, MergeRepo, MergeSnapshot } from './merge.repo.js';
import { MERGE_FIELDS, type DuplicateGroup, type MergeInput } from '../../../shared/api/duplicates.js';

type Deps = {
  repo: DuplicatesRepo;
  merges: MergeRepo;
  cursors: CursorCodec;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
};

const D = LIMITS.duplicates;
const DAY_MS = 86_400_000;

function reasonText(p: MatchedPair): string {
  if (p.kind === 'email') return `same email ${p.detail}`;
  if (p.kind === 'phone') return 'same phone after normalisation';
  return `similar name and the same email domain (${p.detail})`;
}

/** Contacts connected by matching pairs form one group (union-find over the bounded pair list). */
function groupPairs(pairs: MatchedPair[]) {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const p of pairs) {
    for (const id of [p.a, p.b]) if (!parent.has(id)) parent.set(id, id);
    const [ra, rb] = [find(p.a), find(p.b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const groups = new Map<string, { ids: Set<string>; pairs: MatchedPair[] }>();
  for (const p of pairs) {
    const root = find(p.a);
    const g = groups.get(root) ?? { ids: new Set<string>(), pairs: [] };
    g.ids.add(p.a).add(p.b);
    g.pairs.push(p);
    groups.set(root, g);
  }
  return [...groups.values()];
}

const unionBy = <T>(lists: T[][], key: (v: T) => string) => {
  const seen = new Map<string, T>();
  for (const list of lists) for (const v of list) if (!seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
};

export function createDuplicatesService({ repo, merges, cursors, clock, onChange }: Deps) {
  return {
    /** At most four statements: the matching pairs (bounded, see the repo), then the compared contacts' fields. */
    async list(actor: Actor, limit: number): Promise<{ items: DuplicateGroup[]; truncated: boolean }> {
      const pairs = await repo.findPairs(actor.userId, D.maxPairs + 1);
      const allGroups = groupPairs(pairs.slice(0, D.maxPairs))
        .map((g) => ({ ...g, score: Math.max(...g.pairs.map((p) => p.score)) }))
        .sort((x, y) => y.score - x.score || y.ids.size - x.ids.size);
      const groups = allGroups.slice(0, limit);
      const contacts = new Map(
        (
          await repo.findContacts(
            actor.userId,
            groups.flatMap((g) => [...g.ids]),
          )
        ).map((c) => [c.id, c]),
      );
      const items = groups.map((g) => ({
        score: Math.round(g.score * 100) / 100,
        contacts: [...g.ids].map((id) => contacts.get(id)!).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
        reasons: g.pairs.map((p) => ({ kind: p.kind, contactIds: [p.a, p.b] as [string, string], text: reasonText(p) })),
      }));
      return { items, truncated: pairs.length > D.maxPairs || allGroups.length > limit };
    },

    async dismiss(actor: Actor, [a, b]: string[]): Promise<void> {
      const { userId } = actor;
      await repo.transaction(async (tx) => {
        if ((await repo.countOwned(userId, [a!, b!], tx)) !== 2) throw notFound('Contact');
        await repo.dismiss(userId, a!, b!, tx);
        await recordAudit(tx, {
          userId,
          action: 'duplicates.dismissed',
          entityType: 'contact',
          entityId: a,
          details: { contactIds: [a, b] },
        });
      });
      await onChange(userId);
    },

    async merge(actor: Actor, input: MergeInput): Promise<{ mergeId: string; contactId: string }> {
      const { userId } = actor;
      const primaryId = input.primaryId;
      const others = [...new Set(input.contactIds)].filter((id) => id !== primaryId);
      const mergeId = await repo.transaction(async (tx) => {
        const rows = await merges.lockContacts(tx, userId, [primaryId, ...others]);
        if (rows.length !== others.length + 1) throw notFound('Contact');
        const byId = new Map(rows.map((r) => [r.id, r]));
        const primary = byId.get(primaryId)!;
        const all = [primary, ...others.map((id) => byId.get(id)!)];
        const [primaryJson] = await merges.contactJson(tx, userId, [primaryId]);
        const mergedJson = await merges.contactJson(tx, userId, others);
        const cascaded = await merges.cascaded(tx, userId, others);
        const { moved, deleted, links } = await merges.moveRows(tx, userId, primaryId, others);
        const snapshot: MergeSnapshot = { primary: primaryJson!, merged: mergedJson, moved, deleted, links, ...cascaded };
        await merges.deleteContacts(tx, userId, others);
        await merges.updateContact(tx, userId, primaryId, await mergedValues(tx, userId, all, input.fields ?? {}));
        const counts = Object.fromEntries([
          ...Object.entries(moved).map(([k, v]) => [k, v.length]),
          ...Object.entries(links).map(([k, v]) => [k, v.removed.length]),
        ]);
        const summary = { primaryName: primary.name, mergedNames: others.map((id) => byId.get(id)!.name), moved: counts };
        const id = await merges.insertMerge(tx, { userId, primaryId, mergedIds: others, snapshot, summary });
        await recordAudit(tx, {
          userId,
          action: 'contacts.merged',
          entityType: 'merge',
          entityId: id,
          details: { primaryId, mergedIds: others, moved: counts },
        });
        return id;
      });
      await onChange(userId);
      return { mergeId, contactId: primaryId };
    },

    async undo(actor: Actor, id: string): Promise<{ mergeId: string; contactIds: string[] }> {
      const { userId } = actor;
      const result = await repo.transaction(async (tx) => {
        const merge = await merges.lockMerge(tx, userId, id);
        if (!merge) throw notFound('Merge');
        if (merge.undoneAt) throw conflict('This merge was already undone.');
        if (clock().getTime() - merge.createdAt.getTime() > D.undoDays * DAY_MS) {
          throw conflict(`This merge is more than ${D.undoDays} days old and can no longer be undone.`);
        }
        await merges.restore(tx, userId, merge.snapshot as unknown as MergeSnapshot);
        await merges.markUndone(tx, id, clock());
        await recordAudit(tx, {
          userId,
          action: 'merge.undone',
          entityType: 'merge',
          entityId: id,
          details: { primaryId: merge.primaryId, restoredIds: merge.mergedIds },
        });
        return { mergeId: id, contactIds: [merge.primaryId, ...merge.mergedIds] };
      });
      await onChange(userId);
      return result;
    },

    /** For the hourly job: merged-away contacts' rows are not kept past the undo window (or an undo). */
    async forgetExpiredSnapshots(): Promise<number> {
      return repo.forgetSnapshots(new Date(clock().getTime() - D.undoDays * DAY_MS));
    },

    async history(actor: Actor, query: { limit: number; cursor?: string }): Promise<string> {
      const scope = 'merges';
      const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
      const rows = await repo.findMergePage(actor.userId, query.limit, D.undoDays, after);
      return cursors.jsonPage(scope, rows, query.limit);
    },
  };

  /** The primary's new values: chosen scalar fields, unions of the lists, the latest contact. */
  async function mergedValues(tx: Db, userId: string, all: ContactRow[], fields: MergeInput['fields'] & object) {
    const [primary] = all;
    const pick = <K extends keyof ContactRow>(key: K) => {
      const from = fields[key as (typeof MERGE_FIELDS)[number]];
      return (all.find((r) => r.id === from) ?? primary!)[key];
    };
    const chosen = Object.fromEntries(MERGE_FIELDS.map((f) => [f, pick(f)])) as Partial<ContactRow>;
    const country = await merges.country(tx, userId);
    const emails = unionBy(
      all.map((r) => r.emails),
      (e) => e,
    );
    const phones = unionBy(
      all.map((r) => r.phones),
      (p) => phoneKey(p, country) ?? p,
    );
    const importantDates = unionBy(
      all.map((r) => r.importantDates),
      (d) => `${d.label.toLowerCase()}|${d.date}`,
    );
    const contacted = all.map((r) => r.lastContactAt).filter((d): d is Date => !!d);
    const lastContactAt = contacted.length ? new Date(Math.max(...contacted.map((d) => d.getTime()))) : null;
    // A label follows its email or phone; where two contacts label the same one, the primary's wins.
    const labels = (key: 'emailLabels' | 'phoneLabels', kept: string[]) =>
      Object.fromEntries(
        Object.entries(Object.assign({}, ...[...all].reverse().map((r) => r[key]))).filter(([value]) => kept.includes(value)),
      ) as Record<string, string>;
    const merged = { ...primary!, ...chosen, emails, phones, importantDates };
    return {
      ...chosen,
      emails,
      emailLabels: labels('emailLabels', emails),
      phones,
      phoneLabels: labels('phoneLabels', phones),
      phonesE164: phoneKeys(phones, country),
      importantDates,
      lastContactAt,
      searchText: buildSearchText(merged),
      updatedAt: clock(),
    };
  }
}
