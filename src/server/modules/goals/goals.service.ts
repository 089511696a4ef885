import { notFound } from '../../platform/errors.js';
import { versionedWrite } from '../../platform/versions.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { GoalsRepo } from './goals.repo.js';
import type { CreateGoalInput, ListGoalsQuery, UpdateGoalInput } from '../../../shared/api/goals.js';

type Deps = { repo: GoalsRepo; cursors: CursorCodec; clock: () => Date; onChange: (userId: string) => Promise<void> };

export function createGoalsService({ repo, cursors, clock, onChange }: Deps) {
  const decode = (scope: string, cursor?: string) => (cursor ? cursors.decode(scope, cursor) : undefined);

  return {
    /** Every goal of the user, newest first; JSON text. */
    async list(actor: Actor, query: ListGoalsQuery): Promise<string> {
      const scope = 'goals';
      const rows = await repo.findPage(actor.userId, { status: query.status, limit: query.limit, after: decode(scope, query.cursor) });
      return cursors.jsonPage(scope, rows, query.limit);
    },

    async listForContact(actor: Actor, contactId: string, query: ListGoalsQuery): Promise<string> {
      const scope = `goals:contact:${contactId}`;
      const rows = await repo.findContactPage(actor.userId, contactId, {
        status: query.status,
        limit: query.limit,
        after: decode(scope, query.cursor),
      });
      if (!rows) throw notFound('Contact');
      return cursors.jsonPage(scope, rows, query.limit);
    },

    async create(actor: Actor, input: CreateGoalInput): Promise<string> {
      const { contactId, ...write } = input;
      const json = await repo.insert(actor.userId, contactId, write, clock());
      if (!json) throw notFound('Contact');
      await onChange(actor.userId);
      return json;
    },

    /** `expected`: the version the edit was made from (a 409 with the current goal when it moved on). */
    async update(actor: Actor, id: string, input: UpdateGoalInput, expected?: number): Promise<string> {
      const json = await versionedWrite(
        'goal',
        expected,
        () => repo.update(actor.userId, id, input, clock(), expected),
        () => repo.findJson(actor.userId, id),
      );
      await onChange(actor.userId);
      return json;
    },

    /** Soft delete: gone from every read at once, restorable until the purge job removes it. */
    async remove(actor: Actor, id: string): Promise<void> {
      if (!(await repo.softDelete(actor.userId, id, clock()))) throw notFound('Goal');
      await onChange(actor.userId);
    },

    async restore(actor: Actor, id: string): Promise<string> {
      const json = await repo.restore(actor.userId, id);
      if (!json) throw notFound('Deleted goal');
      await onChange(actor.userId);
      return json;
    },
  };
}
