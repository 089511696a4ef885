import { LIMITS } from '../../../platform/limits.js';

const REMEMBERED_USERS = 10_000;

/**
 * The hook a write calls to queue a user's background AI job: never awaited and never failing the
 * write. The job starts LIMITS.ai.backgroundDelaySeconds after it is queued, so a burst of writes
 * rides one run; within that window this process does not even ask pg-boss again (across
 * processes the job's singleton key refuses a second waiting run).
 */
export function backgroundQueue(
  send: (userId: string, startAfterSeconds: number) => Promise<unknown>,
  delaySeconds: number = LIMITS.ai.backgroundDelaySeconds,
) {
  const queuedAt = new Map<string, number>();
  const windowMs = Math.max(0, delaySeconds - 5) * 1000;
  return (userId: string) => {
    const now = Date.now();
    const at = queuedAt.get(userId);
    if (at !== undefined && now - at < windowMs) return;
    queuedAt.delete(userId);
    queuedAt.set(userId, now);
    if (queuedAt.size > REMEMBERED_USERS) queuedAt.delete(queuedAt.keys().next().value!);
    void send(userId, delaySeconds).catch(() => queuedAt.delete(userId));
  };
}
