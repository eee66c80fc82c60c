import type { ConformanceReport } from "../checks/run.js";
import type { CheckOutcome } from "../checks/types.js";

export const CHECK_REPORT_SCHEMA = "rerank-harness/check-report@1";

/** The --json report: the run's facts, then one entry per check with its evidence. */
export function checkJson(report: ConformanceReport) {
  const { outcomes, ...run } = report;
  return { schema: CHECK_REPORT_SCHEMA, ...run, checks: outcomes.map(checkEntry) };
}

/** A check as JSON; an expected failure's listing is `known_fault` (snake_case, as new report fields are). */
function checkEntry(o: CheckOutcome) {
  const { known, ...rest } = o;
  return known ? { ...rest, known_fault: { origin: known.origin, source: known.source, reason: known.reason } } : rest;
}
