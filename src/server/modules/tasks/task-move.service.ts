import { AppError, notFound } from '../../platform/errors.js';
import type { Db } from '../../platform/db.js';
import { POSITION_STEP, type Sibling, type TaskWritesRepo } from './task-writes.repo.js';
import type { MoveInput } from '../../../shared/api/tasks.js';

/**
 * Below this gap the midpoint of two neighbours loses meaning in a double (and the next move
 * would need an even smaller one), so the list is spread out again first.
 */
const MIN_GAP = 1e-3;

type Bounds = { lower?: number; upper?: number };

const notSameList = () =>
  new AppError('unprocessable', 'beforeId and afterId must be tasks in the same list as the moved task (same parent task).');

/** Fractional ordering: a move finds the gap it goes into and writes the task's new position only. */
export function createTaskMover(writes: TaskWritesRepo) {
  async function findBounds(userId: string, task: Sibling, input: MoveInput, tx: Db): Promise<Bounds> {
    const anchorIds = [input.afterId, input.beforeId].filter((x): x is string => !!x);
    if (anchorIds.includes(task.id)) throw new AppError('unprocessable', 'A task cannot be moved next to itself.');
    const anchors = await writes.findSiblings(userId, anchorIds, tx);
    const missing = anchorIds.filter((aid) => !anchors.some((a) => a.id === aid));
    if (missing.length) {
      throw new AppError('unprocessable', `These tasks do not exist or are not yours: ${missing.join(', ')}.`, { unknownIds: missing });
    }
    if (anchors.some((a) => a.parentTaskId !== task.parentTaskId)) throw notSameList();
    const after = anchors.find((a) => a.id === input.afterId);
    const before = anchors.find((a) => a.id === input.beforeId);
    if (after && before) {
      const isOrdered = after.position < before.position || (after.position === before.position && after.id < before.id);
      if (!isOrdered) throw new AppError('unprocessable', 'afterId must come before beforeId in the list.');
      return { lower: after.position, upper: before.position };
    }
    if (before) return { lower: await writes.findNeighbour(userId, before, 'prev', task.id, tx), upper: before.position };
    if (after) return { lower: after.position, upper: await writes.findNeighbour(userId, after, 'next', task.id, tx) };
    if (input.beforeId === null) return { lower: await writes.findEdge(userId, task.parentTaskId, 'last', task.id, tx) };
    return { upper: await writes.findEdge(userId, task.parentTaskId, 'first', task.id, tx) };
  }

  function pick({ lower, upper }: Bounds): number | undefined {
    if (lower === undefined && upper === undefined) return POSITION_STEP;
    if (lower === undefined) return upper! - POSITION_STEP;
    if (upper === undefined) return lower + POSITION_STEP;
    return upper - lower < MIN_GAP ? undefined : lower + (upper - lower) / 2;
  }

  return {
    /** The task's new position (the caller writes it), rebalancing its list first when the gap is too small. */
    async place(userId: string, id: string, input: MoveInput, tx: Db): Promise<{ from: number; to: number }> {
      const task = await writes.lockSibling(userId, id, tx);
      if (!task) throw notFound('Task');
      await writes.lockList(userId, task.parentTaskId, tx);
      let to = pick(await findBounds(userId, task, input, tx));
      if (to === undefined) {
        await writes.rebalance(userId, task.parentTaskId, tx);
        to = pick(await findBounds(userId, task, input, tx));
        if (to === undefined) throw new Error('task positions are still too close after a rebalance');
      }
      return { from: task.position, to };
    },
  };
}
