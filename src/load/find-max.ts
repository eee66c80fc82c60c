import type { CapacityStep, ScenarioResult } from "./report.js";
import { STOP_REASONS } from "./report.js";

// The capacity search of `load --find-max`, apart from how a step runs (so it can be tested
// with a model server). Open loop at one offered rate per step; a step passes on the scenario's
// own verdict (p95 ≤ target, achieved ≥ (1 − tolerance) × offered, errors + drops within budget).

export type StopReason = (typeof STOP_REASONS)[number];

export interface SearchOptions {
  /** First step's rate. */
  startRate: number;
  maxRate: number;
  /** Stop when (lowest failing / highest passing − 1) ≤ this. */
  resolution: number;
  /** Factor between steps until the first failure (downwards until the first pass). */
  growth: number;
  /** Whether a step at `rate` still fits the time budget. */
  fits: (rate: number) => boolean;
  /** Runs one measured step. */
  runStep: (rate: number) => Promise<ScenarioResult>;
  onStep?: (step: CapacityStep, bracket: { pass?: number; fail?: number }) => void;
}

export interface SearchResult {
  max_rps: number | null;
  failed_rps: number | null;
  stopped_by: StopReason;
  steps: CapacityStep[];
  /** The full result of the highest passing step (else of the last step run). */
  best: ScenarioResult | undefined;
}

/** Going down from a failing start, give up below startRate / growth^this. */
const MAX_STEPS_DOWN = 4;
/** A step where more than this share of requests could not even connect: the server is gone. */
const SERVER_GONE_SHARE = 0.5;

/**
 * Grows the rate geometrically until a step fails (or shrinks it until one passes), then
 * bisects geometrically between the highest passing and the lowest failing rate until they are
 * within `resolution`. Stops early at --max-rate, when the budget cannot fit another step, or
 * when the server stops accepting connections. The capacity is the highest rate that passed.
 */
export async function searchCapacity(o: SearchOptions): Promise<SearchResult> {
  const steps: CapacityStep[] = [];
  let pass: number | undefined;
  let fail: number | undefined;
  let best: ScenarioResult | undefined;
  let last: ScenarioResult | undefined;
  let rate = Math.min(o.startRate, o.maxRate);
  const floor = o.startRate / o.growth ** MAX_STEPS_DOWN;
  let stopped: StopReason;

  for (;;) {
    if (!o.fits(rate)) {
      stopped = "budget";
      break;
    }
    const result = await o.runStep(rate);
    last = result;
    const step = toStep(result, rate);
    steps.push(step);
    if (step.pass) {
      pass = rate;
      best = result;
    } else fail = rate;
    o.onStep?.(step, { ...(pass !== undefined ? { pass } : {}), ...(fail !== undefined ? { fail } : {}) });

    if (!step.pass && serverGone(result)) {
      stopped = "server_failing";
      break;
    }
    if (fail === undefined) {
      if (rate >= o.maxRate) {
        stopped = "max_rate";
        break;
      }
      rate = Math.min(rate * o.growth, o.maxRate);
    } else if (pass === undefined) {
      if (rate <= floor * (1 + 1e-9)) {
        stopped = "no_passing_rate";
        break;
      }
      // Overloaded, the server still completed `achieved` req/s: no need to halve past it (each
      // overloaded step costs a drain of its backlog), but never below the floor.
      const achieved = step.achieved_rps > 0 ? step.achieved_rps : Infinity;
      rate = Math.max(floor, Math.min(rate / o.growth, achieved));
    } else {
      if (fail / pass - 1 <= o.resolution) {
        stopped = "resolution";
        break;
      }
      rate = Math.sqrt(pass * fail);
    }
    rate = roundRate(rate);
  }
  return { max_rps: pass ?? null, failed_rps: fail ?? null, stopped_by: stopped, steps, best: best ?? last };
}

/** Rates to 3 significant digits: readable steps, far finer than the resolution. */
export function roundRate(rate: number): number {
  const digits = Math.max(0, 2 - Math.floor(Math.log10(rate)));
  return Number(rate.toFixed(Math.min(digits, 3)));
}

function serverGone(r: ScenarioResult): boolean {
  const scheduled = r.sent + r.dropped;
  return scheduled > 0 && r.errors_by_class.connection / scheduled > SERVER_GONE_SHARE;
}

export function toStep(r: ScenarioResult, rate: number): CapacityStep {
  return {
    offered_rps: rate,
    achieved_rps: r.achieved_rps,
    sent: r.sent,
    ok: r.ok,
    errors: r.errors,
    dropped: r.dropped,
    error_rate: r.error_rate,
    duration_s: r.duration_s,
    p50_ms: r.latency_ms.p50,
    p95_ms: r.latency_ms.p95,
    p99_ms: r.latency_ms.p99,
    pass: r.pass,
    failures: r.failures,
    ...(r.aborted ? { aborted: r.aborted } : {}),
  };
}

/** Measured time for a step at `rate`: enough for `requests` requests, within [minMs, maxMs]. */
export function stepDurationMs(rate: number, requests: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, Math.max(minMs, Math.ceil((requests / rate) * 1000)));
}
