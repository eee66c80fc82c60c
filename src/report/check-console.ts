import type { ConformanceReport } from "../checks/run.js";
import { formatFailure } from "../checks/format.js";
import { CHECK_STATUSES, STATUS_DISPLAY, type CheckStatus } from "../checks/status.js";
import { CHECK_AREAS, type CheckOutcome } from "../checks/types.js";
import { formatDuration } from "../cli/duration.js";

const label = (s: CheckStatus) => STATUS_DISPLAY[s].label;

/**
 * The console summary: one line per check grouped by area, then each failure, warning and
 * unexpected pass in full, then the known faults (one line each, with their upstream source).
 */
export function renderCheckConsole(report: ConformanceReport, { verbose = false } = {}): string {
  const out: string[] = [];
  const model = report.model ? `, model ${report.model}` : "";
  out.push(`rerank-harness check: ${report.target} (${report.baseUrl}), dialect ${report.dialect}${model}`, "");
  const width = Math.max(...report.outcomes.map((o) => o.id.length), 10);
  const labelWidth = Math.max(...CHECK_STATUSES.map((s) => label(s).length));
  for (const area of CHECK_AREAS) {
    const inArea = report.outcomes.filter((o) => o.area === area);
    if (inArea.length === 0) continue;
    out.push(`${area} (${tallyText(inArea)})`);
    for (const o of inArea) {
      // A passing check may say what it measured (relevance.dataset: NDCG@10 and friends).
      const note = o.message ? `  ${firstLine(o.message, 110)}` : "";
      out.push(`  ${label(o.status).padEnd(labelWidth)}  ${o.id.padEnd(width)}  ${o.level.padEnd(6)}${note}`.trimEnd());
      if (verbose && o.status === "pass") out.push(`        ${o.statement}`);
    }
  }
  const problems = report.outcomes.filter((o) => o.status === "fail" || o.status === "warn" || o.status === "xpass");
  if (problems.length > 0) {
    out.push("", "Details", "");
    for (const o of problems) out.push(`${label(o.status)} ${formatFailure(o)}`, "");
  }
  const known = report.outcomes.filter((o) => o.status === "known");
  if (known.length > 0) {
    out.push("", "Known faults (listed, so they do not fail the run; --strict fails them)", "");
    for (const o of known) out.push(`${label(o.status)} ${o.id} [${o.level}] ${firstLine(o.message ?? "", 400)}`);
  }
  const s = report.summary;
  const counts = CHECK_STATUSES.filter((st) => s[st] > 0 || ["pass", "fail", "warn", "skip"].includes(st)).map((st) => `${s[st]} ${STATUS_DISPLAY[st].counted}`);
  out.push("", `${report.passed ? "PASSED" : "FAILED"}: ${counts.join(", ")} (${report.outcomes.length} checks) in ${formatDuration(report.durationMs)}`);
  return `${out.join("\n")}\n`;
}

function tallyText(outcomes: CheckOutcome[]): string {
  return CHECK_STATUSES.map((s) => [s, outcomes.filter((o) => o.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${STATUS_DISPLAY[s].counted}`)
    .join(", ");
}

function firstLine(text: string, max: number): string {
  const line = text.split("\n")[0]!;
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
