// @ts-nocheck
// k6's arrival-rate executors take an integer `rate` per `timeUnit`. Fractional requests per
// second (2.5 rps) are expressed over a longer time unit instead of being rounded away.

export interface ArrivalRate {
  rate: number;
  timeUnit: string;
}

export function toArrivalRate(rps: number): ArrivalRate {
  if (!(rps > 0) || !Number.isFinite(rps)) throw new Error(`rate must be a positive number, got ${rps}`);
  for (const seconds of [1, 10, 100, 1000]) {
    const rate = rps * seconds;
    if (Math.abs(rate - Math.round(rate)) < 1e-9) return { rate: Math.round(rate), timeUnit: `${seconds}s` };
  }
  return { rate: Math.max(1, Math.round(rps * 1000)), timeUnit: "1000s" };
}

/** k6 duration string for a whole number of milliseconds (k6 accepts `1500ms`). */
export function msToK6(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}
