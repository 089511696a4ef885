import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/server/platform/db.js';
import { LIMITS } from '../../src/server/platform/limits.js';

/**
 * The embedded database answers in this thread, each statement as a microtask: without a release a
 * run of statements (an export's pages, a merge) held the event loop until it ended, and timers,
 * health checks and other requests waited for all of it.
 */
describe('the embedded database gives the event loop a turn in a long run of statements', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Runs statements back to back for `ms`; answers when a timer set at the start ran, relative to the start (or null). */
  async function timerDuringRun(ms: number, statement: () => Promise<unknown>) {
    const started = performance.now();
    let timerAt: number | null = null;
    setTimeout(() => {
      timerAt = performance.now() - started;
    }, 0);
    let statements = 0;
    while (performance.now() - started < ms) {
      await statement();
      statements++;
    }
    return { timerAt: timerAt as number | null, statements };
  }

  const runMs = LIMITS.embeddedDb.maxLoopHoldMs * 8;

  it('outside a transaction', async () => {
    const { timerAt, statements } = await timerDuringRun(runMs, () => database.db.execute(sql`select 1`));
    expect(statements).toBeGreaterThan(1);
    expect(timerAt, 'the timer ran before the run of statements ended').not.toBeNull();
    expect(timerAt!).toBeLessThan(runMs);
  });

  it('inside a transaction', async () => {
    const { timerAt } = await database.db.transaction((tx) => timerDuringRun(runMs, () => tx.execute(sql`select 1`)));
    expect(timerAt, 'the timer ran before the transaction ended').not.toBeNull();
    expect(timerAt!).toBeLessThan(runMs);
  });
});
