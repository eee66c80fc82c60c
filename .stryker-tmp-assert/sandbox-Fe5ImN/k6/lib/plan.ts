// @ts-nocheck
import type { Options, Scenario } from "k6/options";
import { targetFor, type TargetsFile } from "../../src/load/targets.js";
import { msToK6, toArrivalRate } from "./arrival.js";
import type { K6Config } from "./config.js";

// The load script's scenarios and thresholds, generated from the same targets file as
// `rerank-harness load`: one open-loop scenario per document count, run one after another.

/** Requests that fail (non-2xx, transport errors) allowed per scenario. */
export const MAX_ERROR_RATE = 0.01;
/** Iterations whose checks may fail per scenario (a failed request fails its status check too). */
export const MIN_CHECKS_RATE = 0.99;
/** Time each scenario gets to finish in-flight requests before the next one starts. */
export const GRACEFUL_STOP_MS = 5_000;
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

export interface PlannedScenario {
  /** k6 scenario name and the value of its `scenario` tag: `docs_10`. */
  name: string;
  docs: number;
  /** Offered rate, requests per second. */
  rps: number;
  durationMs: number;
  /** Ramp from 0 before the full-rate duration (ramping-arrival-rate); 0 = constant rate. */
  rampMs: number;
  startMs: number;
  /** From the targets file; undefined for a document count the file has no target for. */
  p95Ms?: number;
  /** Iterations the schedule starts if nothing is dropped (all runners together). */
  expectedIterations: number;
  /** Runners sharing the schedule (k6-operator parallelism); each gets 1/runners of it. */
  runners: number;
  /** Dropped iterations one runner may have and stay within the achieved-rate tolerance. */
  maxDropped: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export class LoadPlanError extends Error {
  override readonly name = "LoadPlanError";
  readonly code = "ERR_K6_PLAN";
}

export const scenarioName = (docs: number): string => `docs_${docs}`;

/** Scenarios for the targets file, narrowed by DOCS and with RATE/DURATION/RAMP applied. */
export function planLoad(targets: TargetsFile, cfg: K6Config): PlannedScenario[] {
  const docsList = cfg.docs ?? targets.scenarios.map((s) => s.docs);
  let startMs = 0;
  return docsList.map((docs) => {
    const target = targetFor(targets, docs);
    const rps = cfg.rate ?? target?.rps;
    if (rps === undefined) {
      throw new LoadPlanError(`no target for ${docs} documents in the targets file: set RATE (known: ${targets.scenarios.map((s) => s.docs).join(", ")})`);
    }
    const durationMs = cfg.duration.ms;
    const rampMs = cfg.ramp?.ms ?? 0;
    if (durationMs <= 0) throw new LoadPlanError("DURATION must be longer than 0");
    // A linear ramp from 0 starts half the iterations a full-rate stretch of the same length would.
    const expectedIterations = Math.floor(rps * (durationMs + rampMs / 2) / 1000);
    // The harness's rule, achieved ≥ (1 − tolerance) × rps, as a budget of unstarted iterations.
    // k6 thresholds are judged per runner, so each runner gets its share: if every runner
    // stays within its share, the whole run stays within the budget.
    const maxDropped = Math.floor((expectedIterations / cfg.runners) * targets.achieved_rate_tolerance + 1e-9);
    // Little's law with headroom: in-flight = rate × latency; the p95 target stands in for latency.
    const latencyS = (target?.p95_ms ?? 1000) / 1000;
    const preAllocatedVUs = Math.max(2, Math.ceil(rps * latencyS * 2));
    const maxVUs = Math.max(cfg.maxVus ?? Math.max(preAllocatedVUs * 4, 20), preAllocatedVUs);
    const planned: PlannedScenario = {
      name: scenarioName(docs),
      docs,
      rps,
      durationMs,
      rampMs,
      startMs,
      ...(target ? { p95Ms: target.p95_ms } : {}),
      expectedIterations,
      runners: cfg.runners,
      maxDropped,
      preAllocatedVUs,
      maxVUs,
    };
    startMs += rampMs + durationMs + GRACEFUL_STOP_MS;
    return planned;
  });
}

export function scenarioFor(p: PlannedScenario): Scenario {
  const { rate, timeUnit } = toArrivalRate(p.rps);
  const common = {
    startTime: msToK6(p.startMs),
    gracefulStop: msToK6(GRACEFUL_STOP_MS),
    preAllocatedVUs: p.preAllocatedVUs,
    maxVUs: p.maxVUs,
    timeUnit,
    tags: { docs: String(p.docs) },
  };
  if (p.rampMs === 0) return { executor: "constant-arrival-rate", rate, duration: msToK6(p.durationMs), ...common };
  return {
    executor: "ramping-arrival-rate",
    startRate: 0,
    stages: [
      { target: rate, duration: msToK6(p.rampMs) },
      { target: rate, duration: msToK6(p.durationMs) },
    ],
    ...common,
  };
}

/**
 * Per-scenario thresholds. Keys use k6's tag-filter syntax `metric{tag:value}`; every scenario
 * tags its samples with `scenario:<name>`.
 */
export function thresholdsFor(plan: PlannedScenario[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of plan) {
    const tag = `{scenario:${p.name}}`;
    // `<=`: the targets file's p95_ms is "at or under", as `rerank-harness load` reads it.
    if (p.p95Ms !== undefined) out[`http_req_duration${tag}`] = [`p(95)<=${p.p95Ms}`];
    out[`http_req_failed${tag}`] = [`rate<${MAX_ERROR_RATE}`];
    out[`checks${tag}`] = [`rate>=${MIN_CHECKS_RATE}`];
    out[`dropped_iterations${tag}`] = [`count<=${p.maxDropped}`];
  }
  return out;
}

export function loadOptions(plan: PlannedScenario[]): Options {
  return {
    scenarios: Object.fromEntries(plan.map((p) => [p.name, scenarioFor(p)])),
    thresholds: thresholdsFor(plan),
    summaryTrendStats: SUMMARY_TREND_STATS,
    // Rerank bodies are small JSON; keep them for the checks.
    discardResponseBodies: false,
  };
}
