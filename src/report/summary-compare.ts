import type { CompareReport } from "../compare/report.js";
import { compareRows, differingChecks, overallVerdict } from "./compare-console.js";
import { mdCode, mdTable, mdText } from "./markdown.js";
import { checkSummary } from "./summary-check.js";
import { loadSummary } from "./summary-load.js";
import type { SummaryDoc, SummaryFailure } from "./summary.js";

/** `compare`: each target's start error, failed checks and scenarios (prefixed with its label), then the side-by-side table. */
export function compareSummary(report: CompareReport): SummaryDoc {
  const verdict = overallVerdict(report);
  const failures: SummaryFailure[] = [];
  for (const t of report.targets) {
    if (t.error !== undefined) failures.push({ title: t.label, severity: "error", message: `could not start: ${t.error}`, facts: [["spec", t.spec]] });
    // The per-report renderers already know what a failure is; only the title gains the target.
    const own = [...(t.conformance ? checkSummary(t.conformance).failures : []), ...(t.load ? loadSummary(t.load).failures : [])];
    failures.push(...own.map((f) => ({ ...f, title: `${t.label}: ${f.title}` })));
  }
  const rows = compareRows(report);
  const tables: SummaryDoc["tables"] = [
    {
      heading: "Side by side",
      markdown: mdTable(
        rows[0]!.map(mdText),
        rows.slice(1).map((r) => r.map(mdText)),
      ),
      rows: rows.length - 1,
    },
  ];
  const differing = differingChecks(report);
  if (differing.length > 0) {
    const labels = report.targets.filter((t) => t.conformance).map((t) => t.label);
    tables.push({
      heading: "Checks that differ",
      markdown: mdTable(
        ["check", "level", ...labels.map(mdText)],
        differing.map((d) => [mdCode(d.id), d.level, ...labels.map((l) => mdText(d.statuses[l] ?? "–"))]),
      ),
      rows: differing.length,
    });
  }
  return {
    title: "rerank-harness compare",
    passed: report.passed,
    verdictLine: verdict.reasons.length ? verdict.reasons.join("; ") : `${report.targets.length} targets, baseline ${report.targets[0]?.label ?? "–"}`,
    about: [
      ["targets", report.targets.map((t) => t.label).join(", ")],
      ["baseline", report.targets[0]?.label ?? "–"],
      ["started", report.started_at],
    ],
    failures,
    tables,
  };
}
