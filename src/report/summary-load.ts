import type { LoadReport, ScenarioResult } from "../load/report.js";
import { formatQuantity } from "../load/verdict.js";
import { mdTable, mdText } from "./markdown.js";
import type { SummaryDoc, SummaryFailure } from "./summary.js";

// Takes the --json report's shape (LoadReport), so whatever produces one — load, and the
// run-wide verdict/merge commands — gets the same summary from this one call.

const q = (x: number | null | undefined): string => (x === null || x === undefined ? "–" : formatQuantity(x));

/** `load`: each failed scenario and regression, then the scenarios, capacity and baseline tables. */
export function loadSummary(report: LoadReport): SummaryDoc {
  const failed = report.scenarios.filter((s) => !s.pass);
  const regressed = report.baseline?.scenarios.filter((b) => b.verdict === "regressed") ?? [];
  const failures: SummaryFailure[] = [
    ...failed.map(scenarioFailure),
    ...regressed.map((b): SummaryFailure => ({
      title: `${b.name} (baseline)`,
      severity: "error",
      message: `regressed against ${report.baseline!.file}: ${b.metrics
        .filter((m) => m.verdict === "regressed")
        .map(
          (m) => `${m.metric} ${q(m.baseline)} → ${q(m.current)}${m.change_pct !== null ? ` (${m.change_pct > 0 ? "+" : ""}${m.change_pct.toFixed(1)}%)` : ""}`,
        )
        .join(", ")}`,
      ...(b.note ? { facts: [["note", b.note]] } : {}),
    })),
  ];
  const tables: SummaryDoc["tables"] = [scenarioTable(report.scenarios)];
  if (report.capacity?.length) {
    const rows = report.capacity.map((c) => [
      mdText(c.scenario),
      c.max_rps === null ? "none passed" : q(c.max_rps),
      q(c.failed_rps),
      q(c.target_p95_ms),
      mdText(c.stopped_by),
      String(c.steps.length),
    ]);
    tables.push({
      heading: "Capacity (find-max)",
      markdown: mdTable(["scenario", "max req/s", "failed at req/s", "p95 target ms", "stopped by", "steps"], rows, [
        "left",
        "right",
        "right",
        "right",
        "left",
        "right",
      ]),
      rows: rows.length,
    });
  }
  if (report.baseline) {
    const rows = report.baseline.scenarios.flatMap((b) =>
      b.metrics.map((m) => [
        mdText(b.name),
        mdText(m.metric),
        q(m.baseline),
        q(m.current),
        m.change_pct === null ? "–" : `${m.change_pct.toFixed(1)}%`,
        mdText(m.verdict),
      ]),
    );
    tables.push({
      heading: `Against the baseline (±${report.baseline.max_regression_pct}%)`,
      markdown: mdTable(["scenario", "metric", "baseline", "now", "change", "verdict"], rows),
      rows: rows.length,
    });
  }
  const passedCount = report.scenarios.length - failed.length;
  return {
    title: "rerank-harness load",
    passed: report.passed,
    verdictLine: `${passedCount} of ${report.scenarios.length} scenarios met their targets${regressed.length ? `; ${regressed.length} regressed against the baseline` : ""}`,
    about: [
      ["target", report.target],
      ["dialect", report.dialect],
      ["started", report.started_at],
      ...(report.targets_source ? [["targets", report.targets_source] as [string, string]] : []),
    ],
    failures,
    tables: tables.filter((t) => t.rows > 0),
  };
}

function scenarioFailure(s: ScenarioResult): SummaryFailure {
  const statuses = Object.entries(s.status_counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
  return {
    title: s.name,
    severity: "error",
    message: s.failures.join("; ") || "failed",
    facts: [
      ["offered", s.offered_rps === null ? `closed loop, ${s.concurrency} users` : `${q(s.offered_rps)} req/s`],
      ["achieved", `${q(s.achieved_rps)} req/s (needed ${q(s.target.min_achieved_rps)})`],
      ["latency p50/p95/p99", `${q(s.latency_ms.p50)}/${q(s.latency_ms.p95)}/${q(s.latency_ms.p99)} ms (p95 target ${q(s.target.p95_ms)} ms)`],
      ["sent/ok/errors/dropped", `${s.sent}/${s.ok}/${s.errors}/${s.dropped}`],
      ...(statuses ? [["statuses", statuses] as [string, string]] : []),
    ],
    // The first error of each class, as the server (or the transport) said it.
    evidence: Object.entries(s.sample_errors).map(([cls, text]) => `# first ${cls} error\n${text}`),
  };
}

function scenarioTable(scenarios: ScenarioResult[]): SummaryDoc["tables"][number] {
  const rows = scenarios.map((s) => [
    mdText(s.name),
    s.pass ? "✅ PASS" : "❌ FAIL",
    s.offered_rps === null ? `${s.concurrency} users` : q(s.offered_rps),
    q(s.achieved_rps),
    q(s.latency_ms.p50),
    q(s.latency_ms.p95),
    q(s.latency_ms.p99),
    q(s.target.p95_ms),
    `${(s.error_rate * 100).toFixed(2)}%`,
  ]);
  return {
    heading: "Scenarios",
    markdown: mdTable(["scenario", "verdict", "offered req/s", "achieved req/s", "p50 ms", "p95 ms", "p99 ms", "p95 target ms", "errors+drops"], rows, [
      "left",
      "left",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
      "right",
    ]),
    rows: rows.length,
  };
}
