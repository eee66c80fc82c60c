import { DecayingRatio } from "./decaying-ratio.js";

/**
 * Inference throughput in tokens per second, learnt from the micro-batches the session runs.
 *
 * Both sums decay with the busy time they cover (half-life `halfLifeSeconds`), so the estimate
 * follows changes in batch shape and machine load within a second or two of work, and a single
 * slow batch (a GC pause, a cold cache) moves it only by its share of that window.
 */
export class ThroughputEstimator {
  private readonly rate: DecayingRatio;

  constructor(halfLifeSeconds = 2) {
    this.rate = new DecayingRatio(halfLifeSeconds);
  }

  /** Records one run: `tokens` (unpadded) computed in `seconds` of wall time. */
  observe(tokens: number, seconds: number): void {
    this.rate.observe(tokens, seconds);
  }

  /** Tokens per second, or undefined before the first observation. */
  get tokensPerSecond(): number | undefined {
    return this.rate.value;
  }

  /** Seconds to compute `tokens` at the current rate (undefined while the rate is unknown). */
  secondsFor(tokens: number): number | undefined {
    const rate = this.tokensPerSecond;
    return rate === undefined ? undefined : tokens / rate;
  }
}
