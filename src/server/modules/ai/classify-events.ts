import { LIMITS } from '../../platform/limits.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { ClassifyRun, EventClassification, ListClassificationsQuery } from '../../../shared/api/ai-classify.js';
import type { AiEngine } from './engine.js';
import type { ClassifyEventsRepo, NewClassification, StoredClassification } from './classify-events.repo.js';
import { classifyEventsContract, classifyEventsMessages } from './classify-events.contract.js';
import { type CalendarEvent, contentHash, localResult, obviousRule, ruleResult, timelessKey } from './classify-events.rules.js';

type Deps = {
  engine: AiEngine;
  repo: ClassifyEventsRepo;
  cursors: CursorCodec;
  clock: () => Date;
  interactions: { setClassifications(userId: string, items: Array<{ id: string; ai: Record<string, unknown> }>): Promise<number> };
};

const TASK = 'classify-events';
const clip = (list: string[], n: number) =>
  list
    .map((s) => s.trim().slice(0, 120))
    .filter(Boolean)
    .slice(0, n);

/**
 * Calendar event classification (issue 14): rules first (obvious non-client events never reach a
 * model), then the model in batches of up to LIMITS.ai.classifyBatch events per call, each event
 * stored under a hash of its content so an unchanged event is never asked again. Events touching a
 * contact without ai_processing consent, and every event without an API key, are classified by
 * rules only. Conclusions go onto the meeting entries through the interactions service.
 */
export function createClassifyEvents({ engine, repo, cursors, clock, interactions }: Deps) {
  const { provider } = engine;

  /** Asks the model about `events` (one per distinct content without times), in batches; answers per timeless key. */
  async function askModel(userId: string, events: CalendarEvent[], signal?: AbortSignal) {
    const answers = new Map<string, EventClassification>();
    let calls = 0;
    for (let start = 0; start < events.length; start += LIMITS.ai.classifyBatch) {
      const batch = events.slice(start, start + LIMITS.ai.classifyBatch);
      const answer = await engine.ask({
        userId,
        task: TASK,
        tier: 'bulk',
        name: 'classify-events',
        contract: classifyEventsContract,
        contactIds: [...new Set(batch.flatMap((e) => e.entries.map((x) => x.contactId)))],
        build: (mask) => classifyEventsMessages(batch, mask),
        signal,
      });
      calls += answer.calls.length;
      const byRef = new Map(answer.data.events.map((a) => [a.ref, a]));
      batch.forEach((e, i) => {
        const a = byRef.get(`E${i + 1}`);
        if (!a) return;
        const clients = new Set(a.clientRefs);
        answers.set(timelessKey(e), {
          isClientSession: a.isClientSession,
          clientContactIds: [...new Set(e.entries.filter((_, j) => clients.has(`E${i + 1}.${j + 1}`)).map((x) => x.contactId))],
          sessionType: a.isClientSession ? a.sessionType : 'none',
          topics: clip(a.topics, 5),
          followUps: clip(a.followUps, 3),
          reason: '',
        });
      });
    }
    return { answers, calls };
  }

  return {
    /** Classifies the user's new and changed calendar events (a bounded number per run). */
    async run(userId: string, signal?: AbortSignal): Promise<ClassifyRun> {
      const enabled = provider.enabled;
      const pending = await repo.pendingEvents(userId, { redoLocal: enabled, limit: LIMITS.ai.classifyPerRun });
      const events = pending.slice(0, LIMITS.ai.classifyPerRun);
      const result: ClassifyRun = {
        classified: 0,
        byModel: 0,
        byRules: 0,
        cached: 0,
        calls: 0,
        entriesUpdated: 0,
        remaining: pending.length > events.length,
        model: enabled ? provider.models.bulk : 'offline',
        madeWithoutModel: !enabled,
      };
      if (!events.length) return result;

      const hashes = events.map(contentHash);
      const [stored, allowed] = await Promise.all([
        repo.byHash(userId, [...new Set(hashes)]),
        engine.allowed(userId, [...new Set(events.flatMap((e) => e.entries.map((x) => x.contactId)))]),
      ]);
      const decided = new Map<number, StoredClassification>();
      const fresh: NewClassification[] = [];
      const toModel: number[] = [];
      const decide = (i: number, c: StoredClassification, isNew: boolean) => {
        decided.set(i, c);
        if (isNew) {
          const e = events[i]!;
          fresh.push({ ...c, contentHash: hashes[i]!, eventKey: e.key, contactIds: [...new Set(e.entries.map((x) => x.contactId))] });
        }
      };
      events.forEach((e, i) => {
        const consented = e.entries.every((x) => allowed.has(x.contactId));
        const cached = stored.get(hashes[i]!);
        // A stored rules-only conclusion is reused unless the event could now go to the model.
        if (cached && (cached.method === 'model' || cached.method === 'rules' || !enabled || !consented)) {
          // A recheck that changes nothing (consent still missing) is not counted: nothing happened.
          if (!e.recheck) result.cached++;
          return decide(i, cached, false);
        }
        const rule = obviousRule(e);
        if (rule) {
          result.byRules++;
          return decide(i, { method: 'rules', model: 'rules', result: ruleResult(rule) }, true);
        }
        if (!enabled) {
          result.byRules++;
          return decide(i, { method: 'offline', model: 'offline', result: localResult(e, 'no API key: classified without a model') }, true);
        }
        if (!consented) {
          result.byRules++;
          return decide(i, { method: 'consent', model: 'rules', result: localResult(e, 'a contact without AI consent') }, true);
        }
        toModel.push(i);
      });

      if (toModel.length) {
        // Occurrences of a series (same content but the times) are asked once.
        const unique = new Map<string, CalendarEvent>();
        for (const i of toModel) unique.set(timelessKey(events[i]!), unique.get(timelessKey(events[i]!)) ?? events[i]!);
        const { answers, calls } = await askModel(userId, [...unique.values()], signal);
        result.calls = calls;
        for (const i of toModel) {
          const e = events[i]!;
          const answer = answers.get(timelessKey(e));
          if (answer) {
            // The representative's clients, mapped to this occurrence by contact.
            result.byModel++;
            decide(i, { method: 'model', model: provider.models.bulk, result: answer }, true);
          } else {
            // The model left it out: the local conclusion for now, asked again next run.
            result.byRules++;
            decide(i, { method: 'offline', model: 'offline', result: localResult(e, 'the model gave no answer for it') }, false);
          }
        }
      }

      await repo.store(userId, fresh, clock());
      const entries = events.flatMap((e, i) => {
        const c = decided.get(i)!;
        return e.entries.map((x) => ({
          id: x.id,
          ai: {
            hash: hashes[i],
            method: c.method,
            isSession: c.result.isClientSession && c.result.clientContactIds.includes(x.contactId),
            sessionType: c.result.sessionType,
            madeWithoutModel: c.method !== 'model',
          },
        }));
      });
      result.entriesUpdated = await interactions.setClassifications(userId, entries);
      result.classified = result.byModel + result.byRules + result.cached;
      if (!result.classified) return result;
      if (!enabled) await engine.recordLocal(userId, TASK);
      else if (result.cached) await engine.recordLocal(userId, TASK, { cacheHit: true });
      return result;
    },

    /** The stored classifications, newest first; JSON text. */
    async page(userId: string, query: ListClassificationsQuery): Promise<string> {
      const scope = 'ai:classifications';
      const after = query.cursor ? cursors.decode(scope, query.cursor) : undefined;
      const rows = await repo.page(userId, query.limit, after);
      return cursors.jsonPage(scope, rows, query.limit);
    },
  };
}
