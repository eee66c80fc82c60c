import type { ConformanceReport } from "../checks/run.js";
import { formatFailure } from "../checks/format.js";
import { CHECK_STATUSES, countedStatus, type CheckStatus } from "../checks/status.js";
import { CHECK_AREAS, type CheckOutcome } from "../checks/types.js";
import { formatDuration } from "../util/duration.js";
import { paintStatus, PLAIN, statusLabel, verdict, type Colors } from "./style.js";

/**
 * The console summary: one line per check grouped by area, then each failure, warning and
 * unexpected pass in full, then the known faults (one line each, with their upstream source).
 */
export function renderCheckConsole(report: ConformanceReport, { verbose = false, colors = PLAIN }: { verbose?: boolean; colors?: Colors } = {}): string {
  const out: string[] = [];
  const model = report.model ? `, model ${report.model}` : "";
  out.push(`rerank-harness check: ${targetName(report.target, report.base_url)}, dialect ${report.dialect}${model}`, "");
  const markWidth = Math.max(...report.checks.map((o) => statusLabel(o.status).length), 4);
  const mark = (status: CheckStatus, pad = 0) => paintStatus(colors, status, statusLabel(status).padEnd(pad));
  const width = Math.max(...report.checks.map((o) => o.id.length), 10);
  for (const area of CHECK_AREAS) {
    const inArea = report.checks.filter((o) => o.area === area);
    if (inArea.length === 0) continue;
    out.push(`${area} (${tallyText(inArea)})`);
    for (const o of inArea) {
      // A passing check may say what it measured (relevance.dataset: NDCG@10 and friends).
      const note = o.message ? `  ${firstLine(o.message, 110)}` : "";
      out.push(`  ${mark(o.status, markWidth)}  ${o.id.padEnd(width)}  ${o.level.padEnd(6)}${note}`.trimEnd());
      if (verbose && o.status === "pass") out.push(`        ${o.statement}`);
    }
  }
  const problems = report.checks.filter((o) => o.status === "fail" || o.status === "warn" || o.status === "xpass");
  if (problems.length > 0) {
    out.push("", "Details", "");
    for (const o of problems) out.push(`${mark(o.status)} ${formatFailure(o)}`, "");
  }
  const known = report.checks.filter((o) => o.status === "known");
  if (known.length > 0) {
    out.push("", "Known faults (listed, so they do not fail the run; --strict fails them)", "");
    for (const o of known) out.push(`${mark(o.status)} ${o.id} [${o.level}] ${firstLine(o.message ?? "", 400)}`);
  }
  const s = report.summary;
  const counts = CHECK_STATUSES.filter((st) => s[st] > 0 || ["pass", "fail", "warn", "skip"].includes(st)).map((st) => countedStatus(st, s[st]));
  out.push(
    "",
    `${verdict(colors, report.passed, report.passed ? "PASSED" : "FAILED")}: ${counts.join(", ")} (${report.checks.length} ${report.checks.length === 1 ? "check" : "checks"}) in ${formatDuration(report.duration_ms)}`,
  );
  return `${out.join("\n")}\n`;
}

/** "label (url)", or the URL once when the target is named by its URL. */
function targetName(label: string, baseUrl: string): string {
  const bare = (x: string) => x.replace(/\/+$/, "");
  return bare(label) === bare(baseUrl) ? label : `${label} (${baseUrl})`;
}

function tallyText(outcomes: CheckOutcome[]): string {
  return CHECK_STATUSES.map((s) => [s, outcomes.filter((o) => o.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => countedStatus(s, n))
    .join(", ");
}

function firstLine(text: string, max: number): string {
  const line = text.split("\n")[0]!;
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
