import { notFound } from '../../platform/errors.js';
import { versionedWrite } from '../../platform/versions.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { ProjectsRepo, ProjectWrite } from './projects.repo.js';

type Deps = { repo: ProjectsRepo; cursors: CursorCodec; clock: () => Date; onChange: (userId: string) => Promise<void> };

const SCOPE = 'projects:name';

export function createProjectsService({ repo, cursors, clock, onChange }: Deps) {
  async function get(actor: Actor, id: string): Promise<string> {
    const json = await repo.findJson(actor.userId, id);
    if (!json) throw notFound('Project');
    return json;
  }

  return {
    /** Returns the page already serialised as JSON text. */
    async list(actor: Actor, query: { archived?: boolean; limit: number; cursor?: string }): Promise<string> {
      const after = query.cursor ? cursors.decode(SCOPE, query.cursor) : undefined;
      const rows = await repo.findPage(actor.userId, query.archived, query.limit, after);
      return cursors.jsonPage(SCOPE, rows, query.limit);
    },

    get,

    async create(actor: Actor, input: { name: string; color?: string }): Promise<string> {
      const id = await repo.insert(actor.userId, input, clock());
      await onChange(actor.userId);
      return get(actor, id);
    },

    /** `expected`: the version the edit was made from (a 409 with the current project when it moved on). */
    async update(actor: Actor, id: string, input: ProjectWrite, expected?: number): Promise<string> {
      const { userId } = actor;
      // The answer is read in the write's transaction: the version this write made.
      const write = () =>
        repo.transaction(async (tx) =>
          (await repo.update(userId, id, input, clock(), expected, tx)) ? repo.findJson(userId, id, tx) : undefined,
        );
      const json = await versionedWrite('project', expected, write, () => repo.findJson(userId, id));
      await onChange(userId);
      return json;
    },

    async remove(actor: Actor, id: string): Promise<void> {
      if (!(await repo.delete(actor.userId, id))) throw notFound('Project');
      await onChange(actor.userId);
    },

    async deletePreview(actor: Actor, id: string): Promise<{ tasks: number }> {
      const n = await repo.countDoomedTasks(actor.userId, id);
      if (n === undefined) throw notFound('Project');
      return { tasks: n };
    },
  };
}
