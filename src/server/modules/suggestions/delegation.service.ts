import { AppError, conflict, notFound } from '../../platform/errors.js';
import type { Actor } from '../../platform/http/types.js';
import type { DelegationSegment } from '../../db/schema/index.js';
import type { AiEngine } from '../ai/engine.js';
import type { createTasksService } from '../tasks/tasks.service.js';
import type { DelegateTaskInput, UpdateDelegationInput } from '../../../shared/api/delegations.js';
import type { DelegationRepo } from './delegation.repo.js';
import { type Draft, delegationContract, delegationMessages, stageLabel, templateDraft } from './delegation-drafts.js';

type Deps = {
  repo: DelegationRepo;
  engine: AiEngine;
  clock: () => Date;
  onChange: (userId: string) => Promise<void>;
  tasks: () => Pick<ReturnType<typeof createTasksService>, 'createMany'>;
};

/**
 * Task delegation (issue 14): a task split into subtasks per client segment with an email draft
 * each, stored as a proposal. The model (tier smart) drafts only when every contact the task is
 * linked to consents to AI processing, and its prompt holds the task's text (emails and phones
 * masked) and each segment's label and size, never a client's data; otherwise, or without a key,
 * a template drafts. Nothing is created before approval, and nothing is ever sent.
 */
export function createDelegationService({ repo, engine, clock, onChange, tasks }: Deps) {
  async function answer(userId: string, id: string): Promise<string> {
    const json = await repo.json(userId, id);
    if (!json) throw notFound('Delegation');
    return json;
  }

  async function drafts(
    userId: string,
    task: { title: string; description: string; contact_ids: string[] },
    segments: Array<{ label: string; total: number }>,
  ): Promise<{ drafts: Draft[]; model: string; madeWithoutModel: boolean }> {
    const offline = () => ({ drafts: segments.map((s) => templateDraft(task, s.label)), model: 'offline', madeWithoutModel: true });
    if (!engine.enabled) {
      await engine.recordLocal(userId, 'delegation');
      return offline();
    }
    // The task's text is about its contacts: it reaches a model only when all of them consent.
    const allowed = await engine.allowed(userId, task.contact_ids);
    if (task.contact_ids.some((id) => !allowed.has(id))) {
      await engine.recordLocal(userId, 'delegation');
      return offline();
    }
    const answer = await engine.ask({
      userId,
      task: 'delegation',
      tier: 'smart',
      name: 'delegation',
      contract: delegationContract,
      contactIds: task.contact_ids,
      build: (mask) =>
        delegationMessages(
          { title: mask(task.title), description: mask(task.description.slice(0, 4_000)) },
          segments.map((s, i) => ({ ref: String(i + 1), label: s.label, clients: s.total })),
        ),
    });
    const byRef = new Map(answer.data.segments.map((s) => [s.ref, s]));
    return {
      drafts: segments.map((s, i) => {
        const d = byRef.get(String(i + 1));
        return d ? { subtaskTitle: d.subtaskTitle, subject: d.subject, body: d.body } : templateDraft(task, s.label);
      }),
      model: engine.provider.models.smart,
      madeWithoutModel: false,
    };
  }

  return {
    /** POST /api/tasks/:id/delegate: stores a proposal; nothing else is created. */
    async propose(actor: Actor, taskId: string, input: DelegateTaskInput): Promise<string> {
      const { userId } = actor;
      const task = await repo.task(userId, taskId);
      if (!task) throw notFound('Task');
      if (input.tagIds) {
        if (input.by !== 'tag')
          throw new AppError('bad_request', "tagIds apply when splitting by tag: send by: 'tag'.", { field: 'tagIds' });
        const owned = await repo.ownedTagIds(userId, input.tagIds);
        const unknown = input.tagIds.filter((id) => !owned.has(id));
        if (unknown.length)
          throw new AppError('unprocessable', 'Some tags do not exist. Refresh your tags and try again.', { unknownTagIds: unknown });
      }
      const groups = await repo.segments(userId, input.by, task.contact_ids, input.tagIds);
      if (!groups.length) {
        throw new AppError(
          'unprocessable',
          input.by === 'tag'
            ? 'No active clients carry these tags. Tag some clients, or split by stage.'
            : 'No active clients to split this task among. Add clients first.',
        );
      }
      const labelled = groups.map((g) => ({ ...g, label: input.by === 'stage' ? stageLabel(g.label) : g.label }));
      const made = await drafts(userId, task, labelled);
      const segments: DelegationSegment[] = labelled.map((g, i) => ({
        key: g.key,
        label: g.label,
        contactIds: g.contact_ids,
        include: true,
        ...made.drafts[i]!,
      }));
      const id = await repo.insert(
        userId,
        { taskId, segmentBy: input.by, segments, model: made.model, madeWithoutModel: made.madeWithoutModel },
        clock(),
      );
      await onChange(userId);
      return answer(userId, id);
    },

    get: (actor: Actor, id: string) => answer(actor.userId, id),

    /** PATCH: edits titles, drafts and which segments to include, while still proposed. */
    async update(actor: Actor, id: string, input: UpdateDelegationInput): Promise<string> {
      const { userId } = actor;
      const row = await repo.find(userId, id);
      if (!row) throw notFound('Delegation');
      if (row.status !== 'proposed') throw conflict(`This delegation is ${row.status}; only a proposed one can be edited.`);
      const byKey = new Map(row.segments.map((s) => [s.key, s]));
      const unknown = input.segments.filter((e) => !byKey.has(e.key)).map((e) => e.key);
      if (unknown.length)
        throw new AppError('bad_request', `Unknown segment keys: ${unknown.join(', ')}. Use the keys of the proposal.`, {
          unknownKeys: unknown,
        });
      const segments = row.segments.map((s) => {
        const edit = input.segments.find((e) => e.key === s.key);
        if (!edit) return s;
        const { key: _key, ...fields } = edit;
        return { ...s, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
      });
      if (!(await repo.updateSegments(userId, id, segments, clock()))) throw conflict('This delegation was decided meanwhile; refresh it.');
      await onChange(userId);
      return answer(userId, id);
    },

    /**
     * Creates the included segments' subtasks under the task (one transaction, through the tasks
     * service), each holding its email draft; once: a retry answers the same without creating more.
     */
    async approve(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const now = clock();
      const claimed = await repo.transition(userId, id, 'proposed', 'approving', now);
      if (!claimed) {
        const row = await repo.find(userId, id);
        if (!row) throw notFound('Delegation');
        if (row.status === 'approved') return answer(userId, id);
        if (row.status === 'approving') throw conflict('This delegation is being approved. Refresh in a moment.');
        throw conflict(`This delegation was ${row.status}; propose a new one from the task.`);
      }
      const included = claimed.segments.filter((s) => s.include !== false);
      let created: string[];
      try {
        if (!included.length)
          throw new AppError('unprocessable', 'No segment is included. Include at least one, or discard the delegation.');
        const existing = await repo.existingContactIds(
          userId,
          included.flatMap((s) => s.contactIds),
        );
        created = await tasks().createMany(
          actor,
          included.map((s) => ({
            title: s.subtaskTitle,
            parentTaskId: claimed.task_id,
            contactIds: s.contactIds.filter((c) => existing.has(c)),
            description: `Email draft for ${s.label} (not sent: send it yourself when ready)\n\nSubject: ${s.subject}\n\n${s.body}`,
          })),
          'assistant',
        );
      } catch (err) {
        await repo.transition(userId, id, 'approving', 'proposed', now);
        if (err instanceof AppError && err.code === 'unprocessable' && !included.length) throw err;
        if (err instanceof AppError && err.code === 'unprocessable') throw conflict('The task no longer exists. Discard this delegation.');
        throw err;
      }
      await repo.transition(userId, id, 'approving', 'approved', now, created);
      await onChange(userId);
      return answer(userId, id);
    },

    /** Nothing is created; discarding twice answers the same. */
    async discard(actor: Actor, id: string): Promise<string> {
      const { userId } = actor;
      const moved = await repo.transition(userId, id, 'proposed', 'discarded', clock());
      if (!moved) {
        const row = await repo.find(userId, id);
        if (!row) throw notFound('Delegation');
        if (row.status !== 'discarded') throw conflict(`This delegation was ${row.status}; it can no longer be discarded.`);
      } else {
        await onChange(userId);
      }
      return answer(userId, id);
    },
  };
}
