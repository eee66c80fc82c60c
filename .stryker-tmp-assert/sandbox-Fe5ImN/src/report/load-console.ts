// @ts-nocheck
import type { LoadReport, ScenarioResult } from "../load/report.js";

// The final table `rerank-harness load` prints: one row per scenario against its target.

const HEADERS = ["scenario", "load", "achieved/s", "sent", "ok", "errors", "dropped", "p50 ms", "p95 ms", "p99 ms", "max ms", "target", "result"] as const;

function num(x: number): string {
  if (x >= 1000) return x.toFixed(0);
  if (x >= 100) return x.toFixed(1);
  return x.toFixed(2);
}

function loadOf(s: ScenarioResult): string {
  return s.mode === "open" ? `${num(s.offered_rps!)}/s open` : `${s.concurrency} users`;
}

function targetOf(s: ScenarioResult): string {
  const parts: string[] = [];
  if (s.target.p95_ms !== null) parts.push(`p95≤${num(s.target.p95_ms)}`);
  if (s.target.min_achieved_rps !== null) parts.push(`≥${num(s.target.min_achieved_rps)}/s`);
  return parts.length > 0 ? parts.join(" ") : "-";
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

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const isNumeric = (c: number): boolean => c >= 2 && c <= 10;
  return rows
    .map((r) => r.map((cell, c) => (isNumeric(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd())
    .join("\n");
}

/** The table, then one line per failure reason and per error class seen, then the verdict. */
export function renderLoadConsole(report: LoadReport): string {
  const lines: string[] = [];
  lines.push(`load: ${report.target} (${report.dialect})${report.targets_source ? `, targets from ${report.targets_source}` : ""}`);
  lines.push("latency is measured from each request's intended send time (open loop), successful requests only");
  lines.push("");
  lines.push(formatTable([[...HEADERS], ...report.scenarios.map(scenarioRow)]));
  const notes: string[] = [];
  for (const s of report.scenarios) {
    for (const f of s.failures) notes.push(`${s.name}: ${f}`);
    for (const [cls, msg] of Object.entries(s.sample_errors)) notes.push(`${s.name}: ${cls} ×${s.errors_by_class[cls as keyof typeof s.errors_by_class]}, e.g. ${msg.replace(/\s+/g, " ")}`);
    if (s.mode === "open" && s.generator_lag_ms.p99 > Math.max(10, s.latency_ms.p50)) {
      notes.push(`${s.name}: the generator ran late (lag p99 ${num(s.generator_lag_ms.p99)} ms); latency includes it — try --workers or a less busy machine`);
    }
  }
  if (notes.length > 0) lines.push("", ...notes);
  const failed = report.scenarios.filter((s) => !s.pass).length;
  lines.push("", report.passed ? `all ${report.scenarios.length} scenarios passed` : `${failed} of ${report.scenarios.length} scenarios failed`);
  return `${lines.join("\n")}\n`;
}
