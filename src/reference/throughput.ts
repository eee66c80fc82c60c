/**
 * Inference throughput in tokens per second, learnt from the micro-batches the session runs.
 *
 * Both sums decay with the busy time they cover (half-life `halfLifeSeconds`), so the estimate
 * follows changes in batch shape and machine load within a second or two of work, and a single
 * slow batch (a GC pause, a cold cache) moves it only by its share of that window.
 */
export class ThroughputEstimator {
  private tokens = 0;
  private seconds = 0;

  constructor(private readonly halfLifeSeconds = 2) {}

  /** Records one run: `tokens` (unpadded) computed in `seconds` of wall time. */
  observe(tokens: number, seconds: number): void {
    if (!(seconds > 0) || !(tokens > 0)) return;
    const keep = 0.5 ** (seconds / this.halfLifeSeconds);
    this.tokens = this.tokens * keep + tokens;
    this.seconds = this.seconds * keep + seconds;
  }

  /** Tokens per second, or undefined before the first observation. */
  get tokensPerSecond(): number | undefined {
    return this.seconds > 0 ? this.tokens / this.seconds : undefined;
  }

  /** Seconds to compute `tokens` at the current rate (undefined while the rate is unknown). */
  secondsFor(tokens: number): number | undefined {
    const rate = this.tokensPerSecond;
    return rate === undefined ? undefined : tokens / rate;
  }
}
