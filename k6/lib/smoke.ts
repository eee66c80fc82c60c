import type { Options } from "k6/options";
import type { RerankInput } from "../../src/contract/common.js";
import type { Dialect } from "../../src/contract/dialect.js";
import { msToK6, toArrivalRate } from "./arrival.js";
import type { K6Config } from "./config.js";
import { GRACEFUL_STOP_MARGIN_MS, SUMMARY_TREND_STATS, VALID_METRIC, type PlannedScenario } from "./plan.js";

// The smoke script's plan: a few iterations at a gentle rate, each one a basic contract check,
// and thresholds that allow no failure at all.

export const SMOKE_SCENARIO = "smoke";
export const SMOKE_DEFAULTS = { rps: 1, duration: "5s", docs: [3, 10] } as const;

export function planSmoke(cfg: K6Config): PlannedScenario {
  const rps = cfg.rate ?? SMOKE_DEFAULTS.rps;
  return {
    name: SMOKE_SCENARIO,
    docs: (cfg.docs ?? SMOKE_DEFAULTS.docs)[0]!,
    rps,
    durationMs: cfg.duration.ms,
    rampMs: 0,
    startMs: 0,
    gracefulStopMs: cfg.timeout.ms + GRACEFUL_STOP_MARGIN_MS,
    expectedIterations: Math.floor((rps * cfg.duration.ms) / 1000),
    runners: cfg.runners,
    maxDropped: 0,
    preAllocatedVUs: 2,
    maxVUs: Math.max(cfg.maxVus ?? 4, 2),
  };
}

export function smokeOptions(p: PlannedScenario): Options {
  const tag = `{scenario:${p.name}}`;
  return {
    scenarios: {
      [p.name]: {
        executor: "constant-arrival-rate",
        ...toArrivalRate(p.rps),
        duration: msToK6(p.durationMs),
        gracefulStop: msToK6(p.gracefulStopMs),
        preAllocatedVUs: p.preAllocatedVUs,
        maxVUs: p.maxVUs,
      },
    },
    thresholds: {
      [`${VALID_METRIC}${tag}`]: ["rate==1"],
      [`http_req_failed${tag}`]: ["rate==0"],
      [`dropped_iterations${tag}`]: ["count==0"],
      // A run that sent nothing must not pass.
      [`http_reqs${tag}`]: ["count>0"],
    },
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
}

export interface SmokeCase {
  input: RerankInput;
  /** Whether the answer must echo the documents. */
  echo: boolean;
}

/**
 * Iteration i's request: cycles plain ranking, top_n (where the dialect has it) and document
 * echo (where the dialect echoes), over the DOCS counts.
 */
export function smokeCase(
  dialect: Dialect,
  docsList: readonly number[],
  payload: (docs: number) => { query: string; documents: string[] },
  iteration: number,
): SmokeCase {
  const docs = docsList[iteration % docsList.length]!;
  const base: RerankInput = payload(docs);
  const variant = iteration % 3;
  if (variant === 1 && dialect.expectations.topN) return { input: { ...base, topN: Math.max(1, Math.floor(docs / 2)) }, echo: false };
  const rd = dialect.expectations.returnDocuments;
  if (variant === 2 && rd && (rd.switchable || rd.byDefault)) {
    return { input: rd.switchable ? { ...base, returnDocuments: true } : base, echo: true };
  }
  return { input: base, echo: false };
}
