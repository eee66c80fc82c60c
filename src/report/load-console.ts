import type {
  BaselineComparison,
  Capacity,
  CapacityStep,
  DistributedSource,
  FindMaxInfo,
  LoadReport,
  RemoteWriteStats,
  ScenarioResult,
} from "../load/report.js";
import { describeChange, metricLabel } from "../load/baseline.js";
import { targetText } from "../load/verdict.js";
import { PLAIN, plural, verdict, type Colors } from "./style.js";

// The final table `rerank-harness load` prints: one row per scenario against its target.

const HEADERS = ["scenario", "load", "achieved/s", "sent", "ok", "errors", "dropped", "p50 ms", "p95 ms", "p99 ms", "max ms", "target", "result"] as const;

function num(x: number): string {
  if (x >= 1000) return x.toFixed(0);
  if (x >= 100) return x.toFixed(1);
  return x.toFixed(2);
}

function loadOf(s: ScenarioResult): string {
  return s.mode === "open" ? `${num(s.offered_rps!)}/s ${s.arrival === "poisson" ? "poisson" : "open"}` : `${s.concurrency} users`;
}

function targetOf(s: ScenarioResult): string {
  return targetText(s.target) || "-";
}

export function scenarioRow(s: ScenarioResult): string[] {
  const errors = s.errors === 0 ? "0" : `${s.errors} (${(s.error_rate * 100).toFixed(1)}%)`;
  return [
    s.name,
    loadOf(s),
    num(s.achieved_rps),
    String(s.sent),
    String(s.ok),
    errors,
    String(s.dropped),
    num(s.latency_ms.p50),
    num(s.latency_ms.p95),
    num(s.latency_ms.p99),
    num(s.latency_ms.max),
    targetOf(s),
    s.pass ? "PASS" : "FAIL",
  ];
}

function verdictLine(report: LoadReport): string {
  const parts: string[] = [];
  if (report.capacity) {
    const none = report.capacity.filter((c) => c.max_rps === null).length;
    const total = report.capacity.length;
    parts.push(
      none === 0
        ? `capacity found for ${total === 1 ? "the scenario" : `all ${total} scenarios`}`
        : `no passing rate for ${none} of ${plural(total, "scenario")}`,
    );
  } else {
    const failed = report.scenarios.filter((s) => !s.pass).length;
    const total = report.scenarios.length;
    parts.push(
      report.passed || failed === 0
        ? total === 1
          ? "the scenario passed"
          : `all ${total} scenarios passed`
        : total === 1
          ? "the scenario failed"
          : `${failed} of ${plural(total, "scenario")} failed`,
    );
  }
  if (report.baseline) {
    const regressed = report.baseline.scenarios.filter((s) => s.verdict === "regressed").map((s) => s.name);
    parts.push(regressed.length > 0 ? `regressed against the baseline: ${regressed.join(", ")}` : "no regression against the baseline");
  }
  return parts.join("; ");
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const isNumeric = (c: number): boolean => c >= 2 && c <= 10;
  return rows
    .map((r) =>
      r
        .map((cell, c) => (isNumeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A mix's parts, one row each, under the scenario's own row. */
function mixRows(s: ScenarioResult): string[][] {
  return (s.mix ?? []).map((p) => [
    `  ${p.docs} docs ${(p.share * 100).toFixed(1)}% (asked ${(p.weight * 100).toFixed(1)}%)`,
    "",
    num(p.achieved_rps),
    String(p.sent),
    String(p.ok),
    String(p.errors),
    String(p.dropped),
    num(p.latency_ms.p50),
    num(p.latency_ms.p95),
    num(p.latency_ms.p99),
    num(p.latency_ms.max),
    p.target_p95_ms !== null ? `p95≤${num(p.target_p95_ms)}` : "-",
    p.target_p95_ms === null ? "" : p.pass ? "PASS" : "FAIL",
  ]);
}

/** One line per find-max step, as it finishes (stderr). */
export function formatStep(scenario: string, step: CapacityStep, bracket: { pass?: number; fail?: number }): string {
  const where =
    bracket.pass !== undefined && bracket.fail !== undefined
      ? `capacity in [${num(bracket.pass)}, ${num(bracket.fail)}) req/s`
      : bracket.pass !== undefined
        ? `capacity ≥ ${num(bracket.pass)} req/s`
        : `capacity < ${num(bracket.fail!)} req/s`;
  const verdict = step.pass ? "PASS" : `FAIL (${step.failures.join("; ")})`;
  return (
    `find-max ${scenario}: ${num(step.offered_rps)} req/s → achieved ${num(step.achieved_rps)}/s, ${step.ok} ok, ` +
    `p95 ${num(step.p95_ms)} ms, errors ${step.errors}, dropped ${step.dropped}: ${verdict} — ${where}`
  );
}

const STOPPED: Record<Capacity["stopped_by"], string> = {
  resolution: "found to within the resolution",
  max_rate: "reached --max-rate: the capacity is at least this",
  budget: "the time budget ran out: the capacity is at least this",
  server_failing: "the server stopped accepting connections",
  no_passing_rate: "even the lowest rate tried failed",
};

const STEP_HEADERS = ["step", "offered/s", "achieved/s", "sent", "errors", "dropped", "p50 ms", "p95 ms", "p99 ms", "result"];

function renderCapacity(capacity: Capacity[], info: FindMaxInfo): string[] {
  const lines = [
    `find-max: ×${info.growth} per step until one fails, then bisection to within ${info.resolution_pct}%; each step ${info.warmup_s} s warm-up,` +
      ` then ${info.step_requests} requests measured (at most ${info.max_step_s} s; the sent column says how many); ${info.elapsed_s.toFixed(0)} s in all`,
  ];
  for (const c of capacity) {
    const target = c.target_p95_ms !== null ? ` at p95 ≤ ${num(c.target_p95_ms)} ms` : "";
    const head =
      c.max_rps === null
        ? `${c.scenario}: no rate passed${target}`
        : `${c.scenario}: capacity ${num(c.max_rps)} req/s${target}${c.failed_rps !== null ? ` (${num(c.failed_rps)} req/s failed)` : ""}`;
    lines.push("", `${head}; ${STOPPED[c.stopped_by]}`);
    const rows = c.steps.map((st, i) => [
      String(i + 1),
      num(st.offered_rps),
      num(st.achieved_rps),
      String(st.sent),
      String(st.errors),
      String(st.dropped),
      num(st.p50_ms),
      num(st.p95_ms),
      num(st.p99_ms),
      st.pass ? "PASS" : "FAIL",
    ]);
    lines.push(...alignRight([STEP_HEADERS, ...rows]).map((l) => `  ${l}`));
  }
  return lines;
}

function alignRight(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padStart(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

function renderBaseline(b: BaselineComparison): string[] {
  const lines = [
    `baseline: ${b.file} (${b.baseline_target}, ${b.baseline_started_at}); a change counts beyond ${b.max_regression_pct}% and beyond the noise (95% intervals in brackets)`,
  ];
  const rows: string[][] = [["scenario", "metric", "baseline", "now", "change", "verdict"]];
  const ci = (v: number, [lo, hi]: [number, number]): string => `${num(v)} [${num(lo)}–${num(hi)}]`;
  for (const s of b.scenarios) {
    if (s.verdict === "missing") {
      rows.push([s.name, "-", "-", "-", "-", "not in the baseline"]);
      continue;
    }
    for (const m of s.metrics) {
      if (m.verdict === "not_compared") {
        rows.push([s.name, metricLabel(m.metric), "-", "-", "-", `not compared: ${m.note ?? ""}`]);
        continue;
      }
      const change = m.change_pct === null ? "-" : `${m.change_pct > 0 ? "+" : ""}${m.change_pct.toFixed(1)}%`;
      rows.push([s.name, metricLabel(m.metric), ci(m.baseline, m.baseline_ci), ci(m.current, m.current_ci), change, m.verdict]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  lines.push(
    "",
    ...rows.map((r) =>
      r
        .map((cell, c) => (c >= 2 && c <= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    ),
  );
  const said: string[] = [];
  for (const s of b.scenarios) {
    const regressed = s.metrics.filter((m) => m.verdict === "regressed");
    const improved = s.metrics.filter((m) => m.verdict === "improved");
    if (regressed.length > 0) said.push(`${s.name} regressed: ${regressed.map(describeChange).join(", ")}`);
    if (improved.length > 0) said.push(`${s.name} improved: ${improved.map(describeChange).join(", ")}`);
  }
  if (said.length > 0) lines.push("", ...said);
  return lines;
}

/** The table, then one line per failure reason and per error class seen, then the verdict. */
export function renderLoadConsole(report: LoadReport, { colors = PLAIN }: { colors?: Colors } = {}): string {
  const lines: string[] = [];
  lines.push(`load: ${report.target} (${report.dialect})${report.targets_source ? `, targets from ${report.targets_source}` : ""}`);
  lines.push(`${latencyBasis(report.scenarios)}, successful requests only`);
  if (report.testid) lines.push(`testid ${report.testid}`);
  if (report.distributed) lines.push(...distributedLines(report.distributed));
  if (report.capacity && report.find_max) lines.push("", ...renderCapacity(report.capacity, report.find_max), "", "the highest passing step of each search:");
  lines.push("");
  // The result column is last: colour it after padding so the widths stay right.
  lines.push(
    ...formatTable([[...HEADERS], ...report.scenarios.flatMap((s) => [scenarioRow(s), ...mixRows(s)])])
      .split("\n")
      .map((line, i) => (i === 0 ? line : line.replace(/(PASS|FAIL)$/, (word) => verdict(colors, word === "PASS")))),
  );
  const notes: string[] = [];
  for (const s of report.scenarios) {
    for (const f of s.failures) notes.push(`${s.name}: ${f}`);
    for (const [cls, msg] of Object.entries(s.sample_errors))
      notes.push(`${s.name}: ${cls} ×${s.errors_by_class[cls as keyof typeof s.errors_by_class]}, e.g. ${msg.replace(/\s+/g, " ")}`);
    if (s.mode === "open" && s.generator_lag_ms.p99 > Math.max(10, s.latency_ms.p50)) {
      notes.push(`${s.name}: the generator ran late (lag p99 ${num(s.generator_lag_ms.p99)} ms); latency includes it — try --workers or a less busy machine`);
    }
  }
  if (notes.length > 0) lines.push("", ...notes);
  if (report.baseline) lines.push("", ...renderBaseline(report.baseline));
  if (report.remote_write) lines.push("", remoteWriteLine(report.remote_write));
  lines.push("", verdict(colors, report.passed, verdictLine(report)));
  return `${lines.join("\n")}\n`;
}

/** A run-wide verdict's provenance: how many runners, and how close its percentiles are. */
function distributedLines(d: DistributedSource): string[] {
  const from = { merge: "merged from", prometheus: "read from Prometheus for", "k6-json": "read from the k6 JSON output of" }[d.kind];
  return [
    `one verdict ${from} ${plural(d.runners, "runner")}: ${d.runner_names.join(", ")}; percentiles within ${d.percentile_error_pct}% of exact`,
    ...d.notes,
  ];
}

function remoteWriteLine(rw: RemoteWriteStats): string {
  const failed =
    rw.samples_not_sent > 0
      ? `; ${rw.samples_not_sent} samples NOT sent (${rw.requests_failed} writes failed${rw.last_error ? `, last: ${rw.last_error}` : ""})`
      : "";
  return `remote write to ${rw.url}: ${rw.samples_sent} samples sent in ${rw.requests_ok} writes${failed}`;
}

/** How latency was measured: open-loop runs from the intended send time, closed-loop ones cannot. */
export function latencyBasis(scenarios: Array<Pick<ScenarioResult, "mode">>): string {
  const open = scenarios.some((s) => s.mode === "open");
  const closed = scenarios.some((s) => s.mode !== "open");
  const openText = "latency is measured from each request's intended send time (open loop)";
  const closedText = "latency is measured from each request's actual send (closed loop: a stalled server also stalls the senders, so the tail is understated)";
  return open && closed ? `${openText}; closed-loop scenarios from the actual send` : closed ? closedText : openText;
}
