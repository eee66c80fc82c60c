import type { ConformanceReport } from "../checks/run.js";
import { CHECK_STATUSES, countedStatus, STATUS_DISPLAY } from "../checks/status.js";
import { CHECK_AREAS, type CheckOutcome, type Evidence } from "../checks/types.js";
import { formatDuration } from "../util/duration.js";
import { mdCode, mdTable, mdText } from "./markdown.js";
import type { SummaryDoc, SummaryFailure } from "./summary.js";

/** `check`: failures (then warnings and unexpected passes) with their exchanges, then a table per area and the skips and known faults. */
export function checkSummary(report: ConformanceReport): SummaryDoc {
  const s = report.summary;
  const counts = CHECK_STATUSES.filter((st) => s[st] > 0 || st === "pass" || st === "fail").map((st) => countedStatus(st, s[st]));
  const failures: SummaryFailure[] = [
    ...report.checks.filter((o) => o.status === "fail").map((o) => checkFailure(o, "error")),
    // Under --strict these failed the run too (then `passed` is false with no "fail").
    ...report.checks.filter((o) => o.status === "warn" || o.status === "xpass").map((o) => checkFailure(o, "warning")),
  ];
  return {
    title: "rerank-harness check",
    passed: report.passed,
    verdictLine: `${counts.join(", ")} (${report.checks.length} checks) in ${formatDuration(report.duration_ms)}`,
    about: [
      ["target", report.target === report.base_url ? report.target : `${report.target} (${report.base_url})`],
      ["dialect", report.dialect],
      ...(report.model ? [["model", report.model] as [string, string]] : []),
      ["started", report.started_at],
    ],
    failures,
    tables: [areaTable(report), notPassingTable(report)].filter((t) => t.rows > 0),
  };
}

function checkFailure(o: CheckOutcome, severity: SummaryFailure["severity"]): SummaryFailure {
  return {
    title: o.id,
    severity,
    message: `${o.status === "xpass" ? "passed, but listed as a known fault: " : ""}${o.message ?? STATUS_DISPLAY[o.status].one}`,
    facts: [
      ["level", o.level],
      ["asserts", o.statement],
      ["source", o.source],
      ...(o.known_fault ? [["listed as known", `${o.known_fault.reason} (${o.known_fault.source})`] as [string, string]] : []),
    ],
    evidence: (o.evidence ?? []).map(exchangeText),
  };
}

/** One exchange as text: the request line, its body, the status and the start of the response body. */
export function exchangeText(e: Evidence): string {
  const lines = [`${e.label ? `# ${e.label}\n` : ""}${e.request.method} ${e.request.url}`];
  for (const [k, v] of Object.entries(e.request.headers)) lines.push(`${k}: ${v}`);
  if (e.request.body !== undefined) lines.push("", e.request.body);
  lines.push("");
  if (e.error) lines.push(`→ no response: ${e.error}`);
  else
    lines.push(
      `→ ${e.status ?? "?"} ${e.content_type ?? "(no content-type)"}${e.duration_ms !== undefined ? ` in ${e.duration_ms.toFixed(0)} ms` : ""}`,
      e.body_start ?? "",
    );
  return lines.join("\n");
}

function areaTable(report: ConformanceReport): SummaryDoc["tables"][number] {
  const shown = CHECK_STATUSES.filter((st) => report.summary[st] > 0 || ["pass", "fail", "warn", "skip"].includes(st));
  const rows = CHECK_AREAS.flatMap((area) => {
    const inArea = report.checks.filter((o) => o.area === area);
    if (inArea.length === 0) return [];
    return [[mdText(area), ...shown.map((st) => String(inArea.filter((o) => o.status === st).length))]];
  });
  return {
    heading: "Checks by area",
    markdown: mdTable(["area", ...shown.map((st) => STATUS_DISPLAY[st].label)], rows, ["left", ...shown.map(() => "right" as const)]),
    rows: rows.length,
  };
}

function notPassingTable(report: ConformanceReport): SummaryDoc["tables"][number] {
  const rows = report.checks
    // Failures, warnings and unexpected passes have their own sections above.
    .filter((o) => o.status === "skip" || o.status === "known")
    .map((o) => [mdCode(o.id), STATUS_DISPLAY[o.status].label, o.level, mdText(firstLine(o.message ?? ""))]);
  return { heading: "Skipped checks and known faults", markdown: mdTable(["check", "status", "level", "message"], rows), rows: rows.length };
}

function firstLine(text: string, max = 200): string {
  const line = text.split("\n")[0]!;
  return line.length <= max ? line : `${line.slice(0, max)}…`;
}
