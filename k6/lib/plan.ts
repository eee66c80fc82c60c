import type { Options, Scenario } from "k6/options";
import { targetFor, type TargetsFile } from "../../src/load/targets.js";
import { msToK6, toArrivalRate } from "./arrival.js";
import type { K6Config } from "./config.js";

// The load script's scenarios and thresholds, generated from the same targets file as
// `rerank-harness load`: one open-loop scenario per document count, run one after another.

/** Requests that fail (non-2xx, transport errors, timeouts) allowed per scenario. */
export const MAX_ERROR_RATE = 0.01;
/**
 * Responses that must be valid per scenario: `rerank_valid` is one sample per response, true only
 * when every check of that response holds (k6's `checks` counts each check, so six checks per 200
 * response would hide about 6% bad answers under a 99% checks threshold).
 */
export const MIN_VALID_RATE = 1 - MAX_ERROR_RATE;
/** The per-response validity metric (a k6 `Rate`). */
export const VALID_METRIC = "rerank_valid";
/**
 * After a scenario's duration k6 waits gracefulStop for in-flight iterations, then cuts them (and
 * their requests go unrecorded). Every request ends within TIMEOUT, so TIMEOUT plus this margin
 * lets each one finish or time out, and be counted.
 */
export const GRACEFUL_STOP_MARGIN_MS = 1_000;
/**
 * A threshold that always holds, only so that k6 keeps the sub-metric in the summary (it keeps
 * one only when a threshold names it): a mix's overall latency. Summaries leave it out.
 */
export const REPORT_ONLY_THRESHOLD = "max>=0";
export const SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)", "count"];

export interface MixPart {
  docs: number;
  /** Share of the scenario's requests (the weights sum to 1). */
  weight: number;
  /** From the targets file, for this count; undefined when the file has none. */
  p95Ms?: number;
}

export interface PlannedScenario {
  /** k6 scenario name and the value of its `scenario` tag: `docs_10`, `docs_10_50rps`, `mix`. */
  name: string;
  /** Documents per request; 0 for a mix (see `mix`). */
  docs: number;
  /** A mix scenario's counts and weights: each request draws its count from them. */
  mix?: MixPart[];
  /** Offered rate, requests per second. */
  rps: number;
  durationMs: number;
  /** Ramp from 0 before the full-rate duration (ramping-arrival-rate); 0 = constant rate. */
  rampMs: number;
  startMs: number;
  /** How long k6 lets in-flight requests finish after the duration (TIMEOUT + margin). */
  gracefulStopMs: number;
  /** From the targets file; undefined for a document count the file has no target for (and for a mix). */
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
export const MIX_SCENARIO = "mix";

/** k6 scenario names allow only [0-9a-zA-Z_-] (lib/executor/base_config.go:22): 2.5 req/s → `2_5rps`. */
export const stepName = (base: string, rps: number): string => `${base}_${String(+rps.toFixed(3)).replace(".", "_")}rps`;

/** A mix's rate when RATE is not given: each count's target rate, combined by time share. */
function mixRate(mix: MixPart[], targets: TargetsFile): number {
  let secondsPerRequest = 0;
  for (const part of mix) {
    const t = targetFor(targets, part.docs);
    if (!t) throw new LoadPlanError(`no target for ${part.docs} documents in the targets file: set RATE for the mix`);
    secondsPerRequest += part.weight / t.rps;
  }
  return +(1 / secondsPerRequest).toFixed(3);
}

/**
 * Scenarios for the targets file, narrowed by DOCS (or one MIX scenario), with RATE, RAMP steps
 * (each rate in turn, each for DURATION, as `rerank-harness load --ramp`), RAMP_UP and DURATION.
 */
export function planLoad(targets: TargetsFile, cfg: K6Config): PlannedScenario[] {
  const bases: { name: string; docs: number; mix?: MixPart[]; rps: number; p95Ms?: number }[] = [];
  if (cfg.mix) {
    const mix = cfg.mix.map((m) => {
      const t = targetFor(targets, m.docs);
      return { docs: m.docs, weight: m.weight, ...(t ? { p95Ms: t.p95_ms } : {}) };
    });
    bases.push({ name: MIX_SCENARIO, docs: 0, mix, rps: cfg.rate ?? (cfg.ramp ? 0 : mixRate(mix, targets)) });
  } else {
    for (const docs of cfg.docs ?? targets.scenarios.map((s) => s.docs)) {
      const target = targetFor(targets, docs);
      const rps = cfg.rate ?? target?.rps;
      if (rps === undefined && !cfg.ramp) {
        throw new LoadPlanError(`no target for ${docs} documents in the targets file: set RATE (known: ${targets.scenarios.map((s) => s.docs).join(", ")})`);
      }
      bases.push({ name: scenarioName(docs), docs, rps: rps ?? 0, ...(target ? { p95Ms: target.p95_ms } : {}) });
    }
  }
  // RAMP replaces the rate with its steps, one scenario each (judged each, as in `load`).
  const steps = bases.flatMap((b) => (cfg.ramp ? cfg.ramp.map((rps) => ({ ...b, name: stepName(b.name, rps), rps })) : [b]));

  const durationMs = cfg.duration.ms;
  if (durationMs <= 0) throw new LoadPlanError("DURATION must be longer than 0");
  const rampMs = cfg.rampUp?.ms ?? 0;
  const gracefulStopMs = cfg.timeout.ms + GRACEFUL_STOP_MARGIN_MS;
  let startMs = 0;
  return steps.map((b) => {
    const rps = b.rps;
    // A linear ramp from 0 starts half the iterations a full-rate stretch of the same length would.
    const expectedIterations = Math.floor((rps * (durationMs + rampMs / 2)) / 1000);
    // The harness's rule, achieved ≥ (1 − tolerance) × rps, as a budget of unstarted iterations.
    // k6 thresholds are judged per runner, so each runner gets its share: if every runner
    // stays within its share, the whole run stays within the budget.
    const maxDropped = Math.floor((expectedIterations / cfg.runners) * targets.achieved_rate_tolerance + 1e-9);
    // Little's law with headroom: in-flight = rate × latency; the p95 target stands in for latency.
    const p95s = b.mix ? b.mix.map((m) => m.p95Ms ?? 1000) : [b.p95Ms ?? 1000];
    const latencyS = Math.max(...p95s) / 1000;
    const preAllocatedVUs = Math.max(2, Math.ceil(rps * latencyS * 2));
    const maxVUs = Math.max(cfg.maxVus ?? Math.max(preAllocatedVUs * 4, 20), preAllocatedVUs);
    const planned: PlannedScenario = {
      name: b.name,
      docs: b.docs,
      ...(b.mix ? { mix: b.mix } : {}),
      rps,
      durationMs,
      rampMs,
      startMs,
      gracefulStopMs,
      ...(b.p95Ms !== undefined ? { p95Ms: b.p95Ms } : {}),
      expectedIterations,
      runners: cfg.runners,
      maxDropped,
      preAllocatedVUs,
      maxVUs,
    };
    startMs += rampMs + durationMs + gracefulStopMs;
    return planned;
  });
}

export function scenarioFor(p: PlannedScenario): Scenario {
  const { rate, timeUnit } = toArrivalRate(p.rps);
  const common = {
    startTime: msToK6(p.startMs),
    gracefulStop: msToK6(p.gracefulStopMs),
    preAllocatedVUs: p.preAllocatedVUs,
    maxVUs: p.maxVUs,
    timeUnit,
    // A mix tags each request with its own count instead (k6/lib/run.ts).
    ...(p.mix ? {} : { tags: { docs: String(p.docs) } }),
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
    out[`${VALID_METRIC}${tag}`] = [`rate>=${MIN_VALID_RATE}`];
    out[`dropped_iterations${tag}`] = [`count<=${p.maxDropped}`];
    // A mix is judged per count as well: each count's p95 against its own target, and its validity.
    // (k6 puts a sub-metric in the summary only when a threshold names it.)
    if (p.mix) out[`http_req_duration${tag}`] = [REPORT_ONLY_THRESHOLD];
    for (const m of p.mix ?? []) {
      const sub = `{scenario:${p.name},docs:${m.docs}}`;
      if (m.p95Ms !== undefined) out[`http_req_duration${sub}`] = [`p(95)<=${m.p95Ms}`];
      out[`${VALID_METRIC}${sub}`] = [`rate>=${MIN_VALID_RATE}`];
    }
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
