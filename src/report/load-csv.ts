import { stringify } from "csv-stringify/sync";
import { ERROR_CLASSES } from "../load/outcome.js";
import type { CapacityStep, LatencySummary, LoadReport, ScenarioResult } from "../load/report.js";

/**
 * `load --csv FILE`: one row per scenario (a ramp's steps are scenarios), then one row per
 * find-max step, with the JSON report's scalar fields under the same names (nested ones joined
 * with `_`: latency_ms.p95 is latency_ms_p95). A find-max step has fewer fields than a scenario:
 * the others are empty. docs/records.md lists every column.
 */
interface Row {
  kind: "scenario" | "find_max_step";
  scenario: ScenarioResult | undefined;
  step: CapacityStep | undefined;
  /** The scenario's name; for a step, its search's scenario. */
  name: string;
  stepNo: number | undefined;
}

type Cell = string | number | boolean | null | undefined;

const LATENCY_KEYS = ["min", "mean", "p50", "p90", "p95", "p99", "max"] as const satisfies readonly (keyof LatencySummary)[];

const latencyColumns = (field: "latency_ms" | "service_time_ms" | "generator_lag_ms"): [string, (r: Row) => Cell][] =>
  LATENCY_KEYS.map((k) => [
    `${field}_${k}`,
    (r) => (r.scenario ? r.scenario[field][k] : field === "latency_ms" && (k === "p50" || k === "p95" || k === "p99") ? r.step?.[`${k}_ms`] : undefined),
  ]);

/** Either a scenario's field or a step's field of the same name. */
const common =
  (key: keyof CapacityStep & keyof ScenarioResult) =>
  (r: Row): Cell =>
    (r.step ? r.step[key] : r.scenario?.[key]) as Cell;
const scenarioOnly =
  (get: (s: ScenarioResult) => Cell) =>
  (r: Row): Cell =>
    r.scenario ? get(r.scenario) : undefined;

/** The columns, in order: [header, value]. */
export const LOAD_CSV_COLUMNS: ReadonlyArray<readonly [string, (r: Row) => Cell]> = [
  ["row", (r) => r.kind],
  ["name", (r) => r.name],
  ["step", (r) => r.stepNo],
  ["docs", scenarioOnly((s) => s.docs)],
  ["mix", scenarioOnly((s) => s.mix?.map((p) => `${p.docs}:${p.weight}`).join(","))],
  ["mode", scenarioOnly((s) => s.mode)],
  ["arrival", scenarioOnly((s) => s.arrival)],
  ["offered_rps", (r) => (r.step ? r.step.offered_rps : r.scenario?.offered_rps)],
  ["concurrency", scenarioOnly((s) => s.concurrency)],
  ["duration_s", common("duration_s")],
  ["warmup_s", scenarioOnly((s) => s.warmup_s)],
  ["workers", scenarioOnly((s) => s.workers)],
  ["max_inflight", scenarioOnly((s) => s.max_inflight)],
  ["timeout_ms", scenarioOnly((s) => s.timeout_ms)],
  ["sent", common("sent")],
  ["ok", common("ok")],
  ["errors", common("errors")],
  ["dropped", common("dropped")],
  ["achieved_rps", common("achieved_rps")],
  ["error_rate", common("error_rate")],
  ...ERROR_CLASSES.map((c) => [`errors_by_class_${c}`, scenarioOnly((s) => s.errors_by_class[c])] as const),
  [
    "status_counts",
    scenarioOnly((s) =>
      Object.entries(s.status_counts)
        .map(([k, v]) => `${k}:${v}`)
        .join(" "),
    ),
  ],
  ...latencyColumns("latency_ms"),
  ...latencyColumns("service_time_ms"),
  ...latencyColumns("generator_lag_ms"),
  ["target_p95_ms", scenarioOnly((s) => s.target.p95_ms)],
  ["target_rps", scenarioOnly((s) => s.target.rps)],
  ["target_min_achieved_rps", scenarioOnly((s) => s.target.min_achieved_rps)],
  ["target_max_error_rate", scenarioOnly((s) => s.target.max_error_rate)],
  ["pass", common("pass")],
  ["failures", (r) => (r.step ? r.step.failures : r.scenario?.failures)?.join("; ")],
  ["aborted_reason", (r) => (r.step ? r.step.aborted?.reason : r.scenario?.aborted?.reason)],
  ["aborted_at_s", (r) => (r.step ? r.step.aborted?.at_s : r.scenario?.aborted?.at_s)],
];

export function loadCsv(report: LoadReport): string {
  const rows: Row[] = report.scenarios.map((s) => ({ kind: "scenario", scenario: s, step: undefined, name: s.name, stepNo: undefined }));
  for (const c of report.capacity ?? []) {
    c.steps.forEach((step, i) => rows.push({ kind: "find_max_step", scenario: undefined, step, name: c.scenario, stepNo: i + 1 }));
  }
  return stringify(
    rows.map((r) => LOAD_CSV_COLUMNS.map(([, get]) => get(r) ?? "")),
    { header: true, columns: LOAD_CSV_COLUMNS.map(([name]) => name), cast: { boolean: (b) => String(b) } },
  );
}
