import crypto from 'node:crypto';
import { conflict, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import { LIMITS } from '../../platform/limits.js';
import { chunksOf } from '../../platform/chunks.js';
import type { AiEngine } from '../ai/engine.js';
import { SUGGESTION_KINDS, type ListSuggestionsQuery, type SuggestionKind, type SuggestionRun } from '../../../shared/api/suggestions.js';
import type { SuggestionRow, SuggestionsRepo, Wording } from './suggestions.repo.js';
import { applySuggestion, undoSuggestion, type ActionServices } from './suggestion-actions.js';
import { suggestionWordingContract, wordingMessages } from './suggestion-wording.js';

type Deps = {
  repo: SuggestionsRepo;
  engine: AiEngine;
  cursors: CursorCodec;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
  /** The services approved suggestions act through; resolved late (they are created beside this one). */
  actions: () => ActionServices;
  /** Queues one user's run after a delay (the job runner); absent in tests without jobs. */
  enqueue?: (userId: string, startAfterSeconds: number) => Promise<unknown>;
};

const SCOPE = 'suggestions:pending';
const DAY_MS = 86_400_000;
/** Where a failed wording is reported (a request's or a job's logger). */
type WarnLog = { warn(obj: object, msg: string): void };

/** The contacts a suggestion's data is about (its contact, or the contacts of the task it names). */
function contactsOf(row: SuggestionRow): string[] {
  const ids = Array.isArray(row.payload.contactIds) ? (row.payload.contactIds as string[]) : [];
  return row.contact_id ? [row.contact_id, ...ids] : ids;
}

/**
 * Daily suggestions (issue 14): computed from the data in SQL, stored once per dedupe key so the
 * same suggestion is never proposed twice, worded and ranked by the model (tier bulk) only for
 * suggestions whose contacts all consent to AI processing, and run through the owning service when
 * the person approves one.
 */
export function createSuggestionsService({ repo, engine, cursors, clock, onChange, actions, enqueue }: Deps) {
  /** Asks the model to word new suggestions; the computed wording stays when it cannot (budget, outage). */
  async function word(userId: string, rows: SuggestionRow[], log?: WarnLog): Promise<boolean> {
    if (!engine.enabled || !rows.length) return false;
    const allowed = await engine.allowed(userId, [...new Set(rows.flatMap(contactsOf))]);
    const sendable = rows.filter((r) => contactsOf(r).length > 0 && contactsOf(r).every((id) => allowed.has(id)));
    let worded = false;
    for (const batch of chunksOf(sendable, LIMITS.suggestions.wordBatch)) {
      try {
        const answer = await engine.ask({
          userId,
          task: 'suggestions',
          tier: 'bulk',
          name: 'suggestions',
          contract: suggestionWordingContract,
          contactIds: [...new Set(batch.flatMap(contactsOf))],
          build: (mask) =>
            wordingMessages(
              batch.map((r, i) => ({ ref: String(i + 1), kind: r.kind, title: mask(r.title), rationale: mask(r.rationale) })),
            ),
        });
        const wordings: Wording[] = answer.data.items.flatMap((item) => {
          const row = batch[Number(item.ref) - 1];
          return row ? [{ id: row.id, title: item.title, rationale: item.rationale, confidence: item.rank }] : [];
        });
        await repo.reword(userId, engine.provider.models.bulk, wordings);
        worded = true;
      } catch (err) {
        // The suggestions stand with their computed wording; the error carries no client data.
        log?.warn({ err }, 'suggestions: the model could not word them; kept the computed wording');
      }
    }
    return worded;
  }

  async function answer(userId: string, id: string): Promise<string> {
    const json = await repo.json(userId, id);
    if (!json) throw notFound('Suggestion');
    return json;
  }

  return {
    /** Computes and stores new suggestions now (the daily job and POST /api/suggestions/run). */
    async run(userId: string, log?: WarnLog): Promise<SuggestionRun> {
      const rows = await repo.propose(userId, clock());
      const byKind = Object.fromEntries(SUGGESTION_KINDS.map((k) => [k, 0])) as Record<SuggestionKind, number>;
      for (const r of rows) byKind[r.kind]++;
      const worded = await word(userId, rows, log);
      if (!worded && rows.length) await engine.recordLocal(userId, 'suggestions');
      if (rows.length) await onChange(userId);
      return {
        proposed: rows.length,
        byKind,
        model: worded ? engine.provider.models.bulk : 'offline',
        madeWithoutModel: !worded,
      };
    },

    /** Pending suggestions, newest first, with the pending count; JSON text. */
    async list(actor: Actor, query: ListSuggestionsQuery): Promise<string> {
      const after = query.cursor ? cursors.decode(SCOPE, query.cursor) : undefined;
      const [rows, pending] = await Promise.all([repo.page(actor.userId, query.limit, after), repo.pendingCount(actor.userId)]);
      return `{"pending":${pending},${cursors.jsonPage(SCOPE, rows, query.limit).slice(1)}`;
    },

    /**
     * Runs the suggestion through the owning service, once: a retry of an applied one answers the
     * same, without a second effect. A failed action leaves it pending.
     */
    async approve(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const claimed = await repo.transition(userId, id, 'pending', 'approved', now);
      if (!claimed) {
        const row = await repo.find(userId, id);
        if (!row) throw notFound('Suggestion');
        if (row.status === 'applied') return answer(userId, id);
        if (row.status === 'approved') throw conflict('This suggestion is being applied. Refresh in a moment.');
        throw conflict(`This suggestion was ${row.status}; only a pending suggestion can be approved.`);
      }
      let result;
      try {
        result = await applySuggestion(actions(), actor, claimed, now);
      } catch (err) {
        await repo.transition(userId, id, 'approved', 'pending', now);
        throw err;
      }
      await repo.transition(userId, id, 'approved', 'applied', now, { result });
      await onChange(userId);
      return answer(userId, id);
    },

    /** Nothing runs; a rejected suggestion is never proposed again. Rejecting twice answers the same. */
    async reject(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const moved = await repo.transition(userId, id, 'pending', 'rejected', clock());
      if (!moved) {
        const row = await repo.find(userId, id);
        if (!row) throw notFound('Suggestion');
        if (row.status !== 'rejected') throw conflict(`This suggestion was ${row.status}; undo it instead of rejecting it.`);
      } else {
        await onChange(userId);
      }
      return answer(userId, id);
    },

    /** Reverses an applied suggestion and puts it back among the pending ones. */
    async undo(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const claimed = await repo.transition(userId, id, 'applied', 'approved', now);
      if (!claimed) {
        const row = await repo.find(userId, id);
        if (!row) throw notFound('Suggestion');
        if (row.status === 'pending') return answer(userId, id);
        throw conflict(`This suggestion is ${row.status}; only an applied suggestion can be undone.`);
      }
      try {
        await undoSuggestion(actions(), actor, claimed);
      } catch (err) {
        await repo.transition(userId, id, 'approved', 'applied', now);
        throw err;
      }
      await repo.transition(userId, id, 'approved', 'pending', now, { result: null });
      await onChange(userId);
      return answer(userId, id);
    },

    /**
     * The daily schedule: queues each user with contacts at their own offset in the day (a hash of
     * the user id), so the runs spread out. Answers how many were queued.
     */
    async scheduleAll(): Promise<number> {
      if (!enqueue) return 0;
      const users = await repo.scheduledUsers();
      const now = clock().getTime();
      const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
      for (const userId of users) {
        const offset = crypto.createHash('sha256').update(userId).digest().readUInt32BE(0) % DAY_MS;
        // Past today's slot: tomorrow's.
        const at = dayStart + offset >= now ? dayStart + offset : dayStart + DAY_MS + offset;
        await enqueue(userId, Math.ceil((at - now) / 1000));
      }
      return users.length;
    },
  };
}
