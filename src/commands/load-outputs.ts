import type { Command } from "commander";
import { EXIT } from "../cli/errors.js";
import { addSloOption, sloFileFrom, type SloFlags } from "../cli/options.js";
import type { LoadReport } from "../load/report.js";
import type { TargetsFile } from "../load/targets.js";

// What `load`, `merge` and `verdict` share: the SLO file flag (merge, verdict) and the report
// files `load` writes, written one way for all three.

/** The report files a load-shaped report can be written to. */
export interface LoadOutputFlags {
  json?: string;
  junit?: string;
  csv?: string;
  html?: string;
  summary?: string;
}

export interface JudgeFlags extends SloFlags, LoadOutputFlags {}

export function addJudgeOptions(cmd: Command): Command {
  return addSloOption(cmd, "judge against this SLO file (default: the targets the runners were judged against)")
    .option("--json <file>", "write the run-wide report as JSON (the load report's shape, schema_version included)")
    .option("--junit <file>", "write JUnit XML: one test case per scenario")
    .option("--html <file>", "write a self-contained HTML report with charts")
    .option("--summary <file>", "write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)");
}

/** Reads --slo (or its deprecated alias --targets) through the one SLO reader; undefined when neither was given. */
export async function readSlo(flags: JudgeFlags, log: (line: string) => void): Promise<{ targets: TargetsFile; source: string } | undefined> {
  const given = sloFileFrom(flags, log);
  if (!given) return undefined;
  const { readSloFile } = await import("../load/slo-file.js");
  return { targets: await readSloFile(given.file, `${given.flag} ${given.file}`), source: given.file };
}

/** Prints the console table and writes the requested files and CI outputs; the exit code. */
export async function emitLoadReport(report: LoadReport, flags: LoadOutputFlags, log: (line: string) => void): Promise<number> {
  const { renderLoadConsole } = await import("../report/load-console.js");
  const { coloursFor } = await import("../report/style.js");
  process.stdout.write(renderLoadConsole(report, { colors: coloursFor(process.stdout) }));
  const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
  await writeRequestedReports(
    [
      [flags.json, () => jsonText(report)],
      [flags.junit, async () => (await import("../report/load-junit.js")).renderLoadJUnit(report)],
      [flags.csv, async () => (await import("../report/load-csv.js")).loadCsv(report)],
      [flags.html, async () => (await import("../report/load-html.js")).renderLoadHtml([{ label: report.target, report }])],
    ],
    log,
  );
  const { writeCiOutputs, reportHint } = await import("../report/ci-outputs.js");
  const { loadSummary } = await import("../report/summary-load.js");
  await writeCiOutputs(loadSummary(report), { summaryFile: flags.summary, log, fullReportHint: reportHint(flags.json) });
  return report.passed ? EXIT.ok : EXIT.failed;
}
