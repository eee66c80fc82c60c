import { Option, type Command } from "commander";
import { UsageError } from "../cli/errors.js";
import type { LoadReport } from "../load/report.js";
import type { TargetsFile } from "../load/targets.js";
import { isHarnessError } from "../util/errors.js";

// What `merge` and `verdict` share: the thresholds file flag and the reports `load` writes.

export interface JudgeFlags {
  slo?: string;
  targets?: string;
  json?: string;
  junit?: string;
  html?: string;
}

export function addJudgeOptions(cmd: Command): Command {
  return cmd
    .option("--slo <file>", "judge against this latency/throughput targets file (default: the targets the runners were judged against)")
    .addOption(new Option("--targets <file>", "deprecated alias of --slo").hideHelp())
    .option("--json <file>", "write the run-wide report as JSON (the load report's shape, schema_version included)")
    .option("--junit <file>", "write JUnit XML: one test case per scenario")
    .option("--html <file>", "write a self-contained HTML report with charts");
}

/** Reads --slo (or its deprecated alias --targets); undefined when neither was given. */
export async function readSlo(flags: JudgeFlags, log: (line: string) => void): Promise<{ targets: TargetsFile; source: string } | undefined> {
  if (flags.targets !== undefined && flags.slo === undefined) log("warning: --targets is deprecated: use --slo");
  const file = flags.slo ?? flags.targets;
  if (file === undefined) return undefined;
  const { readFile } = await import("node:fs/promises");
  const { parseTargets, TargetsFileError } = await import("../load/targets.js");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const { fileProblem } = await import("../cli/file-errors.js");
    throw new UsageError(`--slo ${file}: cannot read it: ${fileProblem(err)}`);
  }
  try {
    return { targets: parseTargets(JSON.parse(text), file), source: file };
  } catch (err) {
    if (err instanceof TargetsFileError || err instanceof SyntaxError) throw new UsageError(`--slo ${file}: ${err.message}`);
    throw err;
  }
}

/** Prints the console table and writes the requested files, exactly as `load` does; the exit code. */
export async function emitJudged(report: LoadReport, flags: JudgeFlags, log: (line: string) => void): Promise<number> {
  const { renderLoadConsole } = await import("../report/load-console.js");
  const { coloursFor } = await import("../report/style.js");
  const { EXIT } = await import("../cli/errors.js");
  process.stdout.write(renderLoadConsole(report, { colors: coloursFor(process.stdout) }));
  const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
  await writeRequestedReports(
    [
      [flags.json, () => jsonText(report)],
      [flags.junit, async () => (await import("../report/load-junit.js")).renderLoadJUnit(report)],
      [flags.html, async () => (await import("../report/load-html.js")).renderLoadHtml([{ label: report.target, report }])],
    ],
    log,
  );
  return report.passed ? EXIT.ok : EXIT.failed;
}

/** Until the command layer maps HarnessError kinds itself: usage and startup errors exit 2 with their hint. */
export async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isHarnessError(err) && (err.kind === "usage" || err.kind === "startup")) {
      throw new UsageError(err.hint ? `${err.message}\nnext: ${err.hint}` : err.message);
    }
    throw err;
  }
}
