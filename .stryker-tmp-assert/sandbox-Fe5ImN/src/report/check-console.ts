// @ts-nocheck
import type { ConformanceReport } from "../checks/run.js";
import { formatFailure } from "../checks/format.js";
import { CHECK_AREAS, type CheckOutcome, type CheckStatus } from "../checks/types.js";
import { formatDuration } from "../cli/duration.js";

const MARK: Record<CheckStatus, string> = { pass: "PASS", fail: "FAIL", warn: "WARN", skip: "skip" };

/** The console summary: one line per check grouped by area, then each failure and warning in full. */
export function renderCheckConsole(report: ConformanceReport, { verbose = false } = {}): string {
  const out: string[] = [];
  const model = report.model ? `, model ${report.model}` : "";
  out.push(`rerank-harness check: ${report.target} (${report.baseUrl}), dialect ${report.dialect}${model}`, "");
  const width = Math.max(...report.outcomes.map((o) => o.id.length), 10);
  for (const area of CHECK_AREAS) {
    const inArea = report.outcomes.filter((o) => o.area === area);
    if (inArea.length === 0) continue;
    const counts = tally(inArea);
    out.push(`${area} (${counts})`);
    for (const o of inArea) {
      const note = o.status === "pass" ? "" : o.message ? `  ${firstLine(o.message, 110)}` : "";
      out.push(`  ${MARK[o.status]}  ${o.id.padEnd(width)}  ${o.level.padEnd(6)}${note}`.trimEnd());
      if (verbose && o.status === "pass") out.push(`        ${o.statement}`);
    }
  }
  const problems = report.outcomes.filter((o) => o.status === "fail" || o.status === "warn");
  if (problems.length > 0) {
    out.push("", "Details", "");
    for (const o of problems) out.push(`${MARK[o.status]} ${formatFailure(o)}`, "");
  }
  const s = report.summary;
  out.push(
    "",
    `${report.passed ? "PASSED" : "FAILED"}: ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped (${report.outcomes.length} checks) in ${formatDuration(report.durationMs)}`,
  );
  return `${out.join("\n")}\n`;
}

function tally(outcomes: CheckOutcome[]): string {
  const n = (s: CheckStatus) => outcomes.filter((o) => o.status === s).length;
  return (["pass", "fail", "warn", "skip"] as const)
    .filter((s) => n(s) > 0)
    .map((s) => `${n(s)} ${s === "pass" ? "passed" : s === "fail" ? "failed" : s === "warn" ? "warned" : "skipped"}`)
    .join(", ");
}

function firstLine(text: string, max: number): string {
  const line = text.split("\n")[0]!;
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
