/**
 * One global bound on work in flight, shared fairly between users: waiting work is kept in one
 * queue per user and a free slot goes to the waiting user with the least work running (ties in
 * turn order, round-robin), so one user's burst of many calls never delays another user's single
 * call past the first slot that frees.
 */
export class FairQueue {
  private active = 0;
  private readonly running = new Map<string, number>();
  /** Users with waiting work, in turn order; each user's waiting starts, oldest first. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly limit: number) {}

  /** Runs `task` once a slot is free and it is `key`'s turn; a cancelled signal takes it out of the queue. */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(key, signal);
    this.running.set(key, (this.running.get(key) ?? 0) + 1);
    try {
      return await task();
    } finally {
      const n = (this.running.get(key) ?? 1) - 1;
      if (n) this.running.set(key, n);
      else this.running.delete(key);
      this.release();
    }
  }

  get inFlight(): number {
    return this.active;
  }

  private acquire(key: string, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.active < this.limit && this.waiting.size === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal?.removeEventListener('abort', cancel);
        resolve();
      };
      const cancel = () => {
        const list = this.waiting.get(key);
        const at = list?.indexOf(start) ?? -1;
        if (list && at >= 0) {
          list.splice(at, 1);
          if (!list.length) this.waiting.delete(key);
        }
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', cancel, { once: true });
      const list = this.waiting.get(key);
      if (list) list.push(start);
      else this.waiting.set(key, [start]);
    });
  }

  private release(): void {
    this.active--;
    // The waiting user with the least running (first in turn order on a tie) starts one task and
    // goes to the back of the order.
    let pick: [string, Array<() => void>] | undefined;
    for (const entry of this.waiting) {
      if (!pick || (this.running.get(entry[0]) ?? 0) < (this.running.get(pick[0]) ?? 0)) pick = entry;
    }
    if (!pick) return;
    const [key, list] = pick;
    const start = list.shift() as () => void;
    this.waiting.delete(key);
    if (list.length) this.waiting.set(key, list);
    this.active++;
    start();
  }
}
