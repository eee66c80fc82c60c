import type { Arrival } from "./arrival.js";
import type { AbortInfo } from "./report.js";
import { formatQuantity } from "./quantity.js";

// `load --abort-on-fail`: stop an open-loop scenario as soon as its failure is certain, or the
// server is plainly over-saturated. The rules (docs/records.md states them for users):
//
// 1. error_budget: errors + drops already exceed --max-error-rate × the most requests the
//    window can schedule. Certain: the verdict's error rate can only end higher.
// 2. unreachable_rate (uniform arrivals): even if every request in flight and every one still
//    due before the window ends succeeded in time, the achieved rate would stay under the
//    minimum. Certain.
// 3. over_saturated: sampled once a second from the scenario's start, over the last
//    OVERSAT_SPAN_S seconds the requests in flight rose at every sample, to at least
//    OVERSAT_INFLIGHT_GROWTH × and at least OVERSAT_MIN_INFLIGHT, and the wait of the oldest
//    request in flight (now − its intended send time) rose at every sample, by at least
//    OVERSAT_MIN_WAIT_GROWTH_MS. A queue that grows for seconds on end is a server taking in
//    less than it is offered; its latency from the intended send time only gets worse.
//
// Closed-loop scenarios are never aborted: their in-flight count is fixed and their request
// total is open-ended, so no rule above can be certain.

export const OVERSAT_SPAN_S = 3;
export const OVERSAT_MIN_INFLIGHT = 8;
export const OVERSAT_INFLIGHT_GROWTH = 1.5;
export const OVERSAT_MIN_WAIT_GROWTH_MS = 1_000;
/** Slack for sends already due but not yet fired (timer lag) in rule 2. */
const DUE_SLACK_S = 1;

/** What the watch needs to know about the scenario (absolute clock ms). */
export interface AbortPlan {
  rate: number;
  arrival: Arrival;
  windowStart: number;
  windowEnd: number;
  maxErrorRate: number;
  /** The verdict's minimum achieved rate (null: none). */
  minAchievedRps: number | null;
}

/** The shards' live counts, summed (min for the oldest due time). */
export interface LiveCounts {
  at: number;
  sent: number;
  errors: number;
  dropped: number;
  okInWindow: number;
  inflight: number;
  /** Intended send time of the oldest request in flight; null when none is. */
  oldestDueAt: number | null;
}

export type AbortDecision = Pick<AbortInfo, "reason" | "detail">;

export function sumCounts(parts: LiveCounts[]): LiveCounts {
  const dues = parts.map((p) => p.oldestDueAt).filter((d): d is number => d !== null);
  return {
    at: Math.max(...parts.map((p) => p.at)),
    sent: sum(parts, "sent"),
    errors: sum(parts, "errors"),
    dropped: sum(parts, "dropped"),
    okInWindow: sum(parts, "okInWindow"),
    inflight: sum(parts, "inflight"),
    oldestDueAt: dues.length > 0 ? Math.min(...dues) : null,
  };
}

function sum(parts: LiveCounts[], key: "sent" | "errors" | "dropped" | "okInWindow" | "inflight"): number {
  return parts.reduce((a, p) => a + p[key], 0);
}

/** The most requests a window of `ms` can schedule at `rate` (Poisson: a bound its count stays under but for ~1e-7). */
function scheduledBound(rate: number, ms: number, arrival: Arrival): number {
  const mean = (rate * Math.max(0, ms)) / 1000;
  return arrival === "uniform" ? Math.ceil(mean) + 1 : Math.ceil(mean + 5 * Math.sqrt(mean)) + 1;
}

export class AbortWatch {
  private readonly samples: { at: number; inflight: number; waitMs: number }[] = [];

  constructor(private readonly plan: AbortPlan) {}

  /** Feeds the latest counts; a decision once a rule fires. */
  observe(c: LiveCounts): AbortDecision | undefined {
    const p = this.plan;
    const windowMs = p.windowEnd - p.windowStart;
    const bad = c.errors + c.dropped;
    const budget = p.maxErrorRate * scheduledBound(p.rate, windowMs, p.arrival);
    if (bad > budget) {
      return {
        reason: "error_budget",
        detail: `${bad} errors and drops already exceed the ${formatQuantity(p.maxErrorRate * 100)}% allowed of at most ${scheduledBound(p.rate, windowMs, p.arrival)} requests`,
      };
    }
    if (p.minAchievedRps !== null && p.arrival === "uniform") {
      const stillDue = scheduledBound(p.rate, p.windowEnd - c.at + DUE_SLACK_S * 1000, "uniform");
      const best = (c.okInWindow + c.inflight + stillDue) / (windowMs / 1000);
      if (best < p.minAchievedRps - 0.001) {
        return {
          reason: "unreachable_rate",
          detail: `at most ${formatQuantity(best)} req/s can still be achieved (${c.okInWindow} ok, ${c.inflight} in flight, ≤ ${stillDue} still due) < ${formatQuantity(p.minAchievedRps)} req/s needed`,
        };
      }
    }
    return this.saturation(c);
  }

  private saturation(c: LiveCounts): AbortDecision | undefined {
    const last = this.samples[this.samples.length - 1];
    if (last && c.at - last.at < 900) return undefined; // one sample a second
    this.samples.push({ at: c.at, inflight: c.inflight, waitMs: c.oldestDueAt === null ? 0 : c.at - c.oldestDueAt });
    if (this.samples.length > OVERSAT_SPAN_S + 1) this.samples.shift();
    if (this.samples.length < OVERSAT_SPAN_S + 1) return undefined;
    const s = this.samples;
    for (let i = 1; i < s.length; i++) {
      if (!(s[i]!.inflight > s[i - 1]!.inflight && s[i]!.waitMs > s[i - 1]!.waitMs)) return undefined;
    }
    const first = s[0]!;
    const now = s[s.length - 1]!;
    if (now.inflight < OVERSAT_MIN_INFLIGHT || now.inflight < OVERSAT_INFLIGHT_GROWTH * first.inflight) return undefined;
    if (now.waitMs - first.waitMs < OVERSAT_MIN_WAIT_GROWTH_MS) return undefined;
    return {
      reason: "over_saturated",
      detail: `for ${OVERSAT_SPAN_S} s the queue kept growing: ${first.inflight} → ${now.inflight} requests in flight, oldest waiting ${formatQuantity(first.waitMs)} → ${formatQuantity(now.waitMs)} ms`,
    };
  }
}
