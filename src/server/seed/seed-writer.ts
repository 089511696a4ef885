import type { SeedRepo, SeedRow, SeedTable } from './seed.repo.js';

export type SeedWriter = {
  /** Splits rows into multi-row INSERTs and resolves when all of them are committed. */
  write<K extends SeedTable>(table: K, rows: SeedRow<K>[]): Promise<void>;
  /** Lets work run in the background; its failure surfaces at the next waitForRoom() or drain(). */
  track(work: Promise<unknown>): void;
  /** Backpressure: waits until fewer than `maxPending` tracked pieces of work are unfinished. */
  waitForRoom(maxPending: number): Promise<void>;
  drain(): Promise<void>;
  counts(): Record<string, number>;
};

type Options = { concurrency: number; maxRowsPerStatement: number };

/**
 * Runs up to `concurrency` INSERTs at once (one per pooled connection), first come first served.
 * The caller orders writes so a parent row is committed before a statement that references it
 * is queued.
 */
export function createSeedWriter(repo: SeedRepo, { concurrency, maxRowsPerStatement }: Options): SeedWriter {
  const queue: (() => Promise<void>)[] = [];
  const waiters: (() => void)[] = [];
  const background = new Set<Promise<void>>();
  const counts: Record<string, number> = {};
  let running = 0;
  let failure: unknown;

  const pump = () => {
    while (running < concurrency && queue.length) {
      const job = queue.shift()!;
      running += 1;
      void job().finally(() => {
        running -= 1;
        pump();
      });
    }
  };

  const schedule = (run: () => Promise<void>) =>
    new Promise<void>((resolve, reject) => {
      queue.push(() => run().then(resolve, reject));
      pump();
    });

  const write = <K extends SeedTable>(table: K, rows: SeedRow<K>[]) => {
    const size = maxRowsPerStatement;
    const statements: Promise<void>[] = [];
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size);
      statements.push(
        schedule(async () => {
          await repo.insert(table, batch);
          counts[table] = (counts[table] ?? 0) + batch.length;
        }),
      );
    }
    return Promise.all(statements).then(() => undefined);
  };

  const throwIfFailed = () => {
    if (failure !== undefined) throw failure;
  };

  return {
    write,
    track(work) {
      const done = work.then(
        () => undefined,
        (err: unknown) => {
          failure ??= err;
        },
      );
      background.add(done);
      void done.finally(() => {
        background.delete(done);
        for (const wake of waiters.splice(0)) wake();
      });
    },
    async waitForRoom(maxPending) {
      while (background.size >= maxPending && failure === undefined) {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      throwIfFailed();
    },
    async drain() {
      while (background.size) await Promise.all([...background]);
      throwIfFailed();
    },
    counts: () => ({ ...counts }),
  };
}
