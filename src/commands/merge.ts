import type { Command } from "commander";
import { action } from "../cli/errors.js";
import { addJudgeOptions, emitLoadReport, readSlo, type JudgeFlags } from "./load-outputs.js";

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
  const { readInputFile } = await import("../util/files.js");
  const { mergeReports, parseRunnerReport } = await import("../distributed/merge.js");
  const slo = await readSlo(flags, log);
  const inputs = [];
  for (const file of files) inputs.push({ name: file, report: parseRunnerReport(await readInputFile(file, file), file) });
  const report = mergeReports(inputs, slo ? { targets: slo.targets, targetsSource: slo.source } : {});
  return emitLoadReport(report, flags, log);
}
