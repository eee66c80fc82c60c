// Open-loop arrival schedules. Free of Node APIs on purpose: the k6 bundles may import it
// (though k6's arrival-rate executors cannot express Poisson arrivals).

import { mulberry32 } from "../util/prng.js";

export const ARRIVALS = ["uniform", "poisson"] as const;
export type Arrival = (typeof ARRIVALS)[number];

/** Mixed into the workload seed so arrival times and request bodies draw from different streams. */
const ARRIVAL_SEED_SALT = 0x9e3779b9;

/**
 * The intended send times of one scenario, in order, as offsets (ms) from its start.
 * - uniform: request i at i / rate (the wrk2/k6 constant-arrival-rate schedule);
 * - poisson: exponential gaps with mean 1 / rate (a Poisson process, as `vllm bench serve
 *   --request-rate` draws them), seeded, so a run can be replayed.
 * Either way the schedule is fixed before the run: latency is measured from these times, and
 * every shard walks the same sequence, taking every `shards`-th request.
 */
export class ArrivalSchedule {
  private index = 0;
  private t = 0;
  private readonly total: number;
  private readonly meanGapMs: number;
  private readonly rng: () => number;

  constructor(
    readonly kind: Arrival,
    readonly rate: number,
    /** No arrival at or after this offset. */
    readonly endMs: number,
    seed: number,
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a positive number, got ${rate}`);
    this.meanGapMs = 1000 / rate;
    // Uniform: counted exactly (no float drift in i × interval at the window's end).
    this.total = Math.floor((endMs * rate) / 1000);
    this.rng = mulberry32((seed ^ ARRIVAL_SEED_SALT) >>> 0);
    if (kind === "poisson") this.t = this.gap();
  }

  /** The next request's offset in ms, or undefined when the schedule is over. */
  next(): number | undefined {
    if (this.kind === "uniform") {
      if (this.index >= this.total) return undefined;
      return this.index++ * this.meanGapMs;
    }
    if (this.t >= this.endMs) return undefined;
    const at = this.t;
    this.index++;
    this.t += this.gap();
    return at;
  }

  /** Exponential variate by inversion; 1 − u keeps log away from 0. */
  private gap(): number {
    return -Math.log(1 - this.rng()) * this.meanGapMs;
  }
}
