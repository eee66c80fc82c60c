import type { ConformanceReport } from "../checks/run.js";

export const CHECK_REPORT_SCHEMA = "rerank-harness/check-report@1";

/** The --json report: the run's facts, then one entry per check with its evidence. */
export function checkJson(report: ConformanceReport) {
  const { outcomes, ...run } = report;
  return { schema: CHECK_REPORT_SCHEMA, ...run, checks: outcomes };
}
