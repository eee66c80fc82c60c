import { appendFile, stat } from "node:fs/promises";
import { redactDeep } from "../client/secrets.js";
import { annotationLines } from "./annotations.js";
import { DEFAULT_SUMMARY_BYTES, GITHUB_SUMMARY_LIMIT, layoutSummary, type SummaryDoc } from "./summary.js";
import { writeReportFile } from "./write-file.js";

// Where a run's summary goes in CI, in one call per command: `--summary FILE`, GitHub's job
// summary ($GITHUB_STEP_SUMMARY, appended, as GitHub expects several writers per step), and
// workflow annotations on stdout when GITHUB_ACTIONS=true. A command that builds a SummaryDoc
// (checkSummary, loadSummary, compareSummary) passes it here.

export interface CiOutputOptions {
  /** `--summary FILE`. */
  summaryFile?: string | undefined;
  /** The environment to read GITHUB_STEP_SUMMARY and GITHUB_ACTIONS from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Where workflow commands go (default: stdout, where the runner reads them). */
  out?: (text: string) => void;
  log: (line: string) => void;
  /** Named in the note when the summary had to be cut, e.g. "The --json report". */
  fullReportHint?: string;
}

export async function writeCiOutputs(doc: SummaryDoc, options: CiOutputOptions): Promise<void> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  // Redacted before the layout, so the byte budget is the size of what is written.
  const safe = redactDeep(doc);
  const hint = options.fullReportHint ? { fullReportHint: options.fullReportHint } : {};
  if (options.summaryFile) {
    await writeReportFile(options.summaryFile, layoutSummary(safe, hint));
    options.log(`wrote ${options.summaryFile}`);
  }
  const stepSummary = env["GITHUB_STEP_SUMMARY"];
  if (stepSummary) {
    try {
      // GitHub's limit is the whole step's summary: leave room for what earlier writers put there.
      const existing = await stat(stepSummary).then(
        (s) => s.size,
        () => 0,
      );
      const maxBytes = Math.max(4 * 1024, Math.min(DEFAULT_SUMMARY_BYTES, GITHUB_SUMMARY_LIMIT - existing - 4 * 1024));
      await appendFile(stepSummary, `${existing > 0 ? "\n" : ""}${layoutSummary(safe, { maxBytes, ...hint })}`, "utf8");
    } catch (err) {
      // The job summary is a convenience: the verdict and exit code stand without it.
      options.log(`warning: could not append to GITHUB_STEP_SUMMARY (${stepSummary}): ${(err as Error).message}`);
    }
  }
  if (env["GITHUB_ACTIONS"] === "true") {
    const lines = annotationLines(safe);
    if (lines.length > 0) out(`${lines.join("\n")}\n`);
  }
}

/** What the cut-summary note points to: the JSON report when one was written. */
export function reportHint(jsonFile: string | undefined): string {
  return jsonFile ? `The JSON report (${jsonFile})` : "The --json report";
}
