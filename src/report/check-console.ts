import type { ConformanceReport } from "../checks/run.js";
import { formatFailure } from "../checks/format.js";
import { CHECK_AREAS, type CheckOutcome, type CheckStatus } from "../checks/types.js";
import { formatDuration } from "../cli/duration.js";
import { paintStatus, PLAIN, plural, statusLabel, verdict, type Colors } from "./style.js";

/** The console summary: one line per check grouped by area, then each failure and warning in full. */
export function renderCheckConsole(report: ConformanceReport, { verbose = false, colors = PLAIN }: { verbose?: boolean; colors?: Colors } = {}): string {
  const out: string[] = [];
  const model = report.model ? `, model ${report.model}` : "";
  out.push(`rerank-harness check: ${targetName(report.target, report.baseUrl)}, dialect ${report.dialect}${model}`, "");
  const markWidth = Math.max(...report.outcomes.map((o) => statusLabel(o.status).length), 4);
  const mark = (status: CheckStatus, pad = 0) => paintStatus(colors, status, statusLabel(status).padEnd(pad));
  const width = Math.max(...report.outcomes.map((o) => o.id.length), 10);
  for (const area of CHECK_AREAS) {
    const inArea = report.outcomes.filter((o) => o.area === area);
    if (inArea.length === 0) continue;
    const counts = tally(inArea);
    out.push(`${area} (${counts})`);
    for (const o of inArea) {
      const note = o.status === "pass" ? "" : o.message ? `  ${firstLine(o.message, 110)}` : "";
      out.push(`  ${mark(o.status, markWidth)}  ${o.id.padEnd(width)}  ${o.level.padEnd(6)}${note}`.trimEnd());
      if (verbose && o.status === "pass") out.push(`        ${o.statement}`);
    }
  }
  const problems = report.outcomes.filter((o) => o.status === "fail" || o.status === "warn");
  if (problems.length > 0) {
    out.push("", "Details", "");
    for (const o of problems) out.push(`${mark(o.status)} ${formatFailure(o)}`, "");
  }
  const s = report.summary;
  out.push(
    "",
    `${verdict(colors, report.passed, report.passed ? "PASSED" : "FAILED")}: ${s.pass} passed, ${s.fail} failed, ${plural(s.warn, "warning")}, ${s.skip} skipped (${plural(report.outcomes.length, "check")}) in ${formatDuration(report.durationMs)}`,
  );
  return `${out.join("\n")}\n`;
}

/** "label (url)", or the URL once when the target is named by its URL. */
function targetName(label: string, baseUrl: string): string {
  const bare = (x: string) => x.replace(/\/+$/, "");
  return bare(label) === bare(baseUrl) ? label : `${label} (${baseUrl})`;
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
