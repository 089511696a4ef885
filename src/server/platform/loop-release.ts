import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The embedded database runs inside this thread and answers each statement without going back to
 * the event loop: its promise resolves as a microtask. A loop of statements (an export's pages, a
 * merge, an import's batches, a job) therefore held the loop for its whole length: 1.4 s for a
 * 10,000-contact vCard export, long enough for load shedding to refuse the next requests. After
 * each statement, when the loop has not turned for `maxHoldMs`, the caller waits for one turn, in
 * which timers, health checks and other requests run.
 */
export function createLoopRelease(maxHoldMs: number, tickMs: number) {
  let lastTurn = performance.now();
  const ticker = setInterval(() => {
    lastTurn = performance.now();
  }, tickMs);
  ticker.unref();
  return {
    async afterStatement(): Promise<void> {
      if (performance.now() - lastTurn > maxHoldMs) await nextTurn();
    },
    stop: () => clearInterval(ticker),
  };
}

/** Makes the PGlite client's statements, in and out of transactions, give the loop a turn when it has been held too long. */
export function releaseLoopBetweenStatements(client: PGlite, release: { afterStatement(): Promise<void> }): void {
  const released =
    <A extends unknown[], R>(run: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await run(...args);
      await release.afterStatement();
      return result;
    };
  client.query = released(client.query.bind(client)) as typeof client.query;
  const transaction = client.transaction.bind(client);
  client.transaction = ((work: Parameters<typeof client.transaction>[0]) =>
    transaction((tx) => {
      tx.query = released(tx.query.bind(tx)) as typeof tx.query;
      return work(tx);
    })) as typeof client.transaction;
}
