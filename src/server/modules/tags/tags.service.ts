import { AppError, conflict, notFound } from '../../platform/errors.js';
import type { CursorCodec } from '../../platform/cursor.js';
import type { Actor } from '../../platform/http/types.js';
import type { TagsRepo, TagView } from './tags.repo.js';

type Deps = { repo: TagsRepo; cursors: CursorCodec; clock: () => Date; onChange: (userId: string) => Promise<void> };

const present = (t: TagView) => ({ ...t, createdAt: t.createdAt.toISOString() });
const nameTaken = (name: string) => conflict(`A tag named "${name}" already exists. Pick another name or merge the two tags.`);

export function createTagsService({ repo, cursors, clock, onChange }: Deps) {
  async function get(actor: Actor, id: string) {
    const tag = await repo.findOne(actor.userId, id);
    if (!tag) throw notFound('Tag');
    return present(tag);
  }
  return {
    async list(actor: Actor, query: { limit: number; cursor?: string }) {
      const after = query.cursor ? cursors.decode('tags:name', query.cursor) : undefined;
      const rows = await repo.findPage(actor.userId, query.limit, after);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor = rows.length > query.limit && last ? cursors.encode('tags:name', { key: last.sortKey, id: last.id }) : null;
      return { items: page.map(({ sortKey: _sortKey, ...tag }) => present(tag)), nextCursor };
    },
    get,
    async create(actor: Actor, input: { name: string; color?: string }) {
      const id = await repo.insert(actor.userId, input);
      if (!id) throw nameTaken(input.name);
      await onChange(actor.userId);
      return get(actor, id);
    },
    async update(actor: Actor, id: string, input: { name?: string; color?: string }) {
      const outcome = await repo.update(actor.userId, id, input, clock());
      if (outcome === 'name_taken') throw nameTaken(input.name ?? '');
      if (outcome === 'missing') throw notFound('Tag');
      await onChange(actor.userId);
      return get(actor, id);
    },
    async merge(actor: Actor, id: string, intoTagId: string) {
      if (id === intoTagId) throw new AppError('unprocessable', 'A tag cannot be merged into itself.');
      if (!(await repo.merge(actor.userId, id, intoTagId))) throw notFound('Tag');
      await onChange(actor.userId);
      return get(actor, intoTagId);
    },
    async remove(actor: Actor, id: string) {
      if (!(await repo.delete(actor.userId, id))) throw notFound('Tag');
      await onChange(actor.userId);
    },
  };
}
