/**
 * How far behind the HTTP thread is: the lateness of a 20 ms timer, as a decaying maximum.
 *
 * Parsing and tokenizing run on this thread. When requests arrive faster than it can tokenize
 * them, they wait for it before they even reach admission, and that wait is part of what a new
 * request would queue for. A timer fires late by about the length of the event-loop turns that
 * held it up, so its lateness is what a request arriving now waits for this thread.
 */
export class LoopLag {
  private recent = 0;
  private last = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly intervalMs = 20,
    /** Halving time of the remembered maximum once the thread has caught up. */
    halfLifeMs = 250,
  ) {
    const decayPerMs = Math.log(2) / halfLifeMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const elapsed = now - this.last;
      const late = Math.max(0, elapsed - this.intervalMs);
      this.recent = Math.max(late, this.recent * Math.exp(-decayPerMs * elapsed));
      this.last = now;
    }, intervalMs);
    this.timer.unref();
  }

  /** Seconds a request arriving now is likely to wait for this thread. */
  get seconds(): number {
    // A turn still running counts too: the timer cannot fire until it ends.
    const running = Math.max(0, performance.now() - this.last - this.intervalMs);
    return Math.max(this.recent, running) / 1000;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
