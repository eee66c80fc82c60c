/**
 * Per-run scheduling of checks: most checks share the target (they run concurrently, as the
 * suites declare them), but an exclusive check runs with nothing else of the run in flight.
 * The within-request invariance checks need that: a server whose scores shift with the
 * requests batched beside them (dynamic batching in bf16, NVIDIA/NeMo-Retriever#2439) would
 * otherwise fail invariance.permutation or invariance.batch for what the catalogue's own
 * concurrent checks did, and their statements would blame the wrong cause.
 *
 * A writer-preferring read/write lock: shared checks hold it for reading, an exclusive check
 * for writing; once an exclusive check waits, no new shared check starts. Checks never take
 * it twice, so it cannot deadlock.
 */
export class RunLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: Array<{ exclusive: boolean; wake: () => void }> = [];

  async run<T>(exclusive: boolean, fn: () => Promise<T>): Promise<T> {
    await this.acquire(exclusive);
    try {
      return await fn();
    } finally {
      this.release(exclusive);
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.canEnter(exclusive)) {
      this.enter(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ exclusive, wake: resolve }));
  }

  private canEnter(exclusive: boolean): boolean {
    return exclusive ? !this.writer && this.readers === 0 : !this.writer;
  }

  private enter(exclusive: boolean): void {
    if (exclusive) this.writer = true;
    else this.readers++;
  }

  private release(exclusive: boolean): void {
    if (exclusive) this.writer = false;
    else this.readers--;
    // Wake waiters in arrival order: a run of shared checks together, or one exclusive check.
    while (this.waiting.length > 0 && this.canEnter(this.waiting[0]!.exclusive)) {
      const next = this.waiting.shift()!;
      this.enter(next.exclusive);
      next.wake();
    }
  }
}

const locks = new Map<string, RunLock>();

/** The lock of one conformance run (shared by every suite file in the worker). */
export function runLock(runId: string): RunLock {
  let lock = locks.get(runId);
  if (!lock) {
    lock = new RunLock();
    locks.set(runId, lock);
  }
  return lock;
}
