import type { Command } from "commander";
import { action, UsageError } from "../cli/errors.js";
import { durationOption, numberArg } from "../cli/options.js";
import { DEFAULT_MAX_ERROR_RATE } from "../load/options.js";
import { DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
import { addJudgeOptions, emitLoadReport, readSlo, type JudgeFlags } from "./load-outputs.js";

interface VerdictFlags extends JudgeFlags {
  prometheus?: string;
  testid?: string;
  k6Json?: string[];
  lookback: number;
  maxErrorRate: number;
  timeout: number;
}

export function define(program: Command): void {
  const cmd = program
    .command("verdict")
    .description(
      "one run-wide verdict from every runner: read from Prometheus (k6 under k6-operator, or load --out prometheus-rw) or from k6 --out json files",
    );
  addJudgeOptions(
    cmd
      .option("--prometheus <url>", "Prometheus base URL to read the run from (its HTTP API), with --testid")
      .option("--testid <id>", "the run's testid label (with --k6-json: keep only samples with this testid tag)")
      .option("--k6-json <files...>", "k6 --out json files, one per runner (gzipped or not)")
      .addOption(durationOption("--lookback <duration>", "--prometheus: how far back the run's samples may lie", 24 * 3_600_000))
      .addOption(durationOption("--timeout <duration>", "--prometheus: per query", DEFAULT_TIMEOUT_MS))
      .option("--max-error-rate <fraction>", "a scenario fails when (errors + dropped) / scheduled exceeds this", numberArg(0), DEFAULT_MAX_ERROR_RATE),
  ).addHelpText(
    "after",
    "\nPercentiles: from native histograms merged across runners (Prometheus; the error bound is printed) or\n" +
      "from every k6 sample (exact to HdrHistogram's 0.1%). Judged by the same code as load. Exit 0 all passed,\n" +
      "1 a scenario failed, 2 usage error, Prometheus unreachable, or a testid with no samples.",
  );
  cmd.action(action(verdict));
}

async function verdict(flags: VerdictFlags): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  if ((flags.prometheus === undefined) === (flags.k6Json === undefined))
    throw new UsageError("give one source: --prometheus URL --testid ID, or --k6-json FILE…");
  if (flags.prometheus !== undefined && flags.testid === undefined) throw new UsageError("--prometheus needs --testid: the run to judge");
  if (flags.maxErrorRate > 1) throw new UsageError("--max-error-rate must be a fraction between 0 and 1");
  const slo = await readSlo(flags, log);
  const { loadDefaultTargets, DEFAULT_TARGETS_SOURCE } = await import("../load/fixtures.js");
  const targets = slo?.targets ?? (await loadDefaultTargets());
  const targetsSource = slo?.source ?? DEFAULT_TARGETS_SOURCE;
  const report = await (async () => {
    if (flags.prometheus !== undefined) {
      let url: URL;
      try {
        url = new URL(flags.prometheus);
      } catch {
        throw new UsageError(`--prometheus ${flags.prometheus}: not a URL`);
      }
      const { prometheusVerdict } = await import("../distributed/prometheus.js");
      return prometheusVerdict({
        url: url.href,
        testid: flags.testid!,
        lookbackS: flags.lookback / 1000,
        targets,
        targetsSource,
        maxErrorRate: flags.maxErrorRate,
        timeoutMs: flags.timeout,
      });
    }
    const { k6JsonVerdict } = await import("../distributed/k6-json.js");
    return k6JsonVerdict({ files: flags.k6Json!, targets, targetsSource, maxErrorRate: flags.maxErrorRate, ...(flags.testid ? { testid: flags.testid } : {}) });
  })();
  return emitLoadReport(report, flags, log);
}
