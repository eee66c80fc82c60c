import type { Command } from "commander";
import { action } from "../cli/errors.js";
import { addJudgeOptions, asUsage, emitJudged, readSlo, type JudgeFlags } from "./judge-common.js";

export function define(program: Command): void {
  const cmd = program
    .command("merge")
    .argument("<reports...>", "`load --json` reports of one run, one per machine")
    .description("merge several machines' load reports exactly (HdrHistograms added, counts summed) into one verdict");
  addJudgeOptions(cmd).addHelpText(
    "after",
    "\nThe achieved rate is taken over the union of the runners' measured windows. Reports of different\n" +
      "workloads, targets or schema versions are refused, saying what differs. Exit 0 all passed, 1 a\n" +
      "scenario failed, 2 a report could not be read or merged.",
  );
  cmd.action(action(merge));
}

async function merge(files: string[], flags: JudgeFlags): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const { readFile } = await import("node:fs/promises");
  const { UsageError } = await import("../cli/errors.js");
  const { fileProblem } = await import("../cli/file-errors.js");
  const { mergeReports, parseRunnerReport } = await import("../distributed/merge.js");
  const slo = await readSlo(flags, log);
  const report = await asUsage(async () => {
    const inputs = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (err) {
        throw new UsageError(`${file}: cannot read it: ${fileProblem(err)}`);
      }
      inputs.push({ name: file, report: parseRunnerReport(text, file) });
    }
    return mergeReports(inputs, slo ? { targets: slo.targets, targetsSource: slo.source } : {});
  });
  return emitJudged(report, flags, log);
}
