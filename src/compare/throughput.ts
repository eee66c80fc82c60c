import { z } from "zod";
import type { CompareTargetResult } from "./report.js";
import type { ThroughputPoint } from "../quality/cost.js";

// Where an hourly price gets its throughput from. A load run at a fixed offered rate measures
// what the target did at that rate, not what it could do; `load --find-max` measures capacity
// (`capacity: [{docs, max_rps, steps}]`). Capacity wins where a target's load report has it.

const Capacity = z.array(z.looseObject({ docs: z.number().int().positive(), max_rps: z.number().nullable() }));

/** Achieved within 5% of the offered rate: the run did not find the target's limit. */
const OFFERED_BOUND = 0.95;

export type ThroughputSource = (target: CompareTargetResult) => ThroughputPoint[];

/** The default source: capacity where present, else each load scenario's achieved rate. */
export const throughputFromLoad: ThroughputSource = (target) => {
  const capacity = Capacity.safeParse((target.load as { capacity?: unknown } | undefined)?.capacity);
  const points: ThroughputPoint[] = [];
  if (capacity.success) {
    for (const c of capacity.data) if (c.max_rps !== null && c.max_rps > 0) points.push({ docs: c.docs, rps: c.max_rps, source: "capacity" });
  }
  for (const s of target.load?.scenarios ?? []) {
    if (points.some((p) => p.docs === s.docs) || s.achieved_rps <= 0) continue;
    const bound = s.offered_rps !== null && s.achieved_rps >= OFFERED_BOUND * s.offered_rps;
    points.push({ docs: s.docs, rps: s.achieved_rps, source: "achieved", ...(bound ? { offered_bound: true } : {}) });
  }
  return points;
};
