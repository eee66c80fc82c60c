import { readFile } from "node:fs/promises";
import { LoadReport } from "../load/report.js";
import { jsonText, writeReportFile } from "../report/write-file.js";
import { checkJson } from "../report/check-json.js";
import { renderJUnit } from "../report/junit.js";
import { renderCheckConsole } from "../report/check-console.js";
import { renderLoadConsole } from "../report/load-console.js";
import { renderLoadHtml } from "../report/load-html.js";
import { renderCompareConsole } from "../report/compare-console.js";
import { renderCompareHtml } from "../report/compare-html.js";
import { compareJson } from "../report/compare-json.js";
import { CheckReportJson, type ConformanceReport } from "../checks/report.js";
import { CompareReportJson, type CompareReport } from "../compare/report.js";

/** Report files a run can write: the same renderers as `--json`, `--junit` and `--html`. */
export interface CheckReportFiles {
  json?: string;
  junit?: string;
}
export interface LoadReportFiles {
  json?: string;
  html?: string;
}
export type CompareReportFiles = LoadReportFiles;

// The report objects runConformance, runLoad and runCompare return are the --json files' shapes
// (snake_case, zod-first); writing adds only schema_version where the object has none.

/** Writes what `check --json/--junit` writes (keys registered as secrets are scrubbed). */
export async function writeCheckReports(report: ConformanceReport, files: CheckReportFiles): Promise<void> {
  if (files.json) await writeReportFile(files.json, jsonText(checkJson(report)));
  if (files.junit) await writeReportFile(files.junit, renderJUnit(report));
}

/** Writes what `load --json/--html` writes. */
export async function writeLoadReports(report: LoadReport, files: LoadReportFiles): Promise<void> {
  if (files.json) await writeReportFile(files.json, jsonText(report));
  if (files.html) await writeReportFile(files.html, renderLoadHtml([{ label: report.target, report }]));
}

/** Writes what `compare --json/--html` writes (schema_version added, each target's checks as `check --json` has them). */
export async function writeCompareReports(report: CompareReport, files: CompareReportFiles): Promise<void> {
  if (files.json) await writeReportFile(files.json, jsonText(compareJson(report)));
  if (files.html) await writeReportFile(files.html, renderCompareHtml(report));
}

/** Reads a `load --json` report back, validated against the schema it was written with. */
export async function readLoadReport(path: string): Promise<LoadReport> {
  return LoadReport.parse(JSON.parse(await readFile(path, "utf8")));
}

/** Reads a `check --json` report back, validated, as the report runConformance returns (schema_version dropped). */
export async function readCheckReport(path: string): Promise<ConformanceReport> {
  const { schema_version: _version, ...report } = CheckReportJson.parse(JSON.parse(await readFile(path, "utf8")));
  return report;
}

/** Reads a `compare --json` report back, validated, as the report runCompare returns (schema_versions dropped). */
export async function readCompareReport(path: string): Promise<CompareReport> {
  const { schema_version: _version, ...report } = CompareReportJson.parse(JSON.parse(await readFile(path, "utf8")));
  const targets = report.targets.map(({ conformance, ...t }) => {
    if (!conformance) return t;
    const { schema_version: _v, ...checks } = conformance;
    return { ...t, conformance: checks };
  });
  return { ...report, targets };
}

/** Reads any JSON report back (check, load, compare) without validation. */
export async function readJsonReport(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, "utf8")) as unknown;
}

export {
  checkJson,
  compareJson,
  jsonText,
  renderCheckConsole,
  renderCompareConsole,
  renderCompareHtml,
  renderJUnit,
  renderLoadConsole,
  renderLoadHtml,
  writeReportFile,
};

// The Markdown summary (`--summary`) and GitHub annotations: build a SummaryDoc from a report,
// then lay it out (layoutSummary) or write every CI output at once (writeCiOutputs).
export { checkSummary } from "../report/summary-check.js";
export { loadSummary } from "../report/summary-load.js";
export { compareSummary } from "../report/summary-compare.js";
export { layoutSummary, GITHUB_SUMMARY_LIMIT, type SummaryDoc, type SummaryFailure, type LayoutOptions } from "../report/summary.js";
export { annotationLines } from "../report/annotations.js";
export { writeCiOutputs, type CiOutputOptions } from "../report/ci-outputs.js";
