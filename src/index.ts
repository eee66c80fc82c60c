/**
 * rerank-harness as a library: the functions the CLI's commands call, with the CLI's defaults.
 *
 *   const target = await startTarget("embedded");
 *   try { const report = await runConformance(target, { timeoutMs: 30_000 }); } finally { await target.stop(); }
 *
 * `rerank-harness/vitest` registers the conformance checks in your own vitest run instead.
 */
import { runCompare as runCompareWithContext, type CompareOptions } from "./compare/run.js";
import type { CompareReport } from "./compare/report.js";
import { targetContext, toTargetSpec, type TargetInput, type TargetOptions } from "./api/targets.js";

export { startTarget, targetContext, type TargetInput, type TargetOptions } from "./api/targets.js";
export type { StartedTarget, TargetContext } from "./targets/target.js";
export { TargetStartError } from "./targets/target.js";
export { parseTargetSpec, TargetSpecError, type TargetSpec, type TargetSettings } from "./targets/spec.js";
export { MissingDependencyError } from "./util/optional-deps.js";

export {
  runConformance,
  ConformanceSession,
  ConformanceOptionsError,
  PreflightError,
  DEFAULT_FUZZ,
  DEFAULT_SEED,
  type ConformanceOptions,
  type ConformanceReport,
  type CheckOutcome,
  type Evidence,
} from "./checks/run.js";
export type { KnownFault } from "./checks/report.js";
export { CATALOGUE } from "./checks/catalogue/index.js";
export { CHECK_AREAS, type CheckArea, type CheckDefinition, type CheckLevel, type CheckStatus } from "./checks/types.js";

export { runLoad, type LoadOptions, type LoadProgress, type LoadReport, type ScenarioResult, type SeriesPoint, type LatencySummary } from "./load/run.js";
/** One verdict over several runners: `merge` (load reports), `verdict --prometheus` and `verdict --k6-json`. */
export { mergeReports, parseRunnerReport, type NamedReport, type MergeOptions } from "./distributed/merge.js";
export { prometheusVerdict, type PrometheusVerdictOptions } from "./distributed/prometheus.js";
export { k6JsonVerdict, type K6JsonOptions } from "./distributed/k6-json.js";
export { renderLoadJUnit } from "./report/load-junit.js";

export { compareExitCode, type CompareReport, type CompareTargetResult } from "./compare/report.js";
export type { CompareOptions } from "./compare/run.js";

/**
 * `compare`: the same checks, seeded load and agreement test against each target in turn (each
 * started and stopped here). Targets as strings or specs; options as for startTarget.
 */
export function runCompare(targets: TargetInput[], options: CompareOptions & { targetOptions?: TargetOptions } = {}): Promise<CompareReport> {
  const { targetOptions, ...compareOptions } = options;
  return runCompareWithContext(targets.map(toTargetSpec), targetContext(targetOptions), compareOptions);
}

export { getDialect, listDialects, isDialectName, UnknownDialectError } from "./contract/index.js";
export type { Dialect, DialectName, RerankInput, RerankOutput } from "./contract/index.js";

export * from "./api/reports.js";
