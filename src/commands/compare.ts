import type { Command } from "commander";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { addCommonOptions, idListArg, intArg, numberArg, type CommonOptions } from "../cli/options.js";
import { addFindMaxOptions, addWorkloadOptions, type WorkloadFlags } from "../cli/load-options.js";
import { targetContextFrom } from "../cli/target-context.js";
import { action, EXIT, UsageError } from "../cli/errors.js";
import { COMPARE_DEFAULTS } from "../compare/defaults.js";
import type { QualityCompareOptions } from "../compare/quality.js";
import type { Price } from "../quality/cost.js";
import type { Dataset } from "../quality/dataset.js";
import { addDatasetOptions, addPriceOption, type QualityFlags } from "../cli/quality-options.js";

export { COMPARE_DEFAULTS };

interface CompareFlags extends CommonOptions, ContainerOptions, QualityFlags, WorkloadFlags {
  rate: number;
  skipLoad?: boolean;
  skipChecks?: boolean;
  sameModel?: boolean;
  strict?: boolean;
  fuzz: number;
  only?: string[];
  json?: string;
  html?: string;
  summary?: string;
  har?: string;
  progress: boolean;
}

export function define(program: Command): void {
  const cmd = program
    .command("compare")
    .description("the same checks, seeded load and ranking-agreement requests against two or more targets (--target, repeated), side by side");
  addWorkloadOptions(addPriceOption(addDatasetOptions(addContainerOptions(addCommonOptions(cmd, { repeatableTarget: true })))), COMPARE_DEFAULTS, {
    docs: "documents per request, one load scenario each (default: the SLO file's, 10,50,100)",
    duration: "measured time per scenario",
    seed: "workload seed: every target gets the same requests",
    slo: "the SLO file: latency/throughput targets for the load scenarios (default: fixtures/targets/default.json)",
  })
    .option("--rate <rps>", "open-loop rate for every scenario and target", numberArg(0.001), COMPARE_DEFAULTS.rate)
    .option("--skip-load", "no load run")
    .option("--skip-checks", "no conformance checks")
    .option("--same-model", "report mean |Δscore| even when the targets report different model names")
    .option("--strict", "SHOULD failures and warnings fail a target's checks too")
    .option("--fuzz <n>", "generated requests per fuzz check (0: none)", intArg(0), COMPARE_DEFAULTS.fuzz)
    .option("--only <ids>", "run only checks whose id starts with one of these (comma-separated)", idListArg)
    .option("--json <file>", "write the comparison as JSON")
    .option("--html <file>", "write one self-contained HTML page: load charts side by side, conformance matrix, agreement")
    .option("--summary <file>", "write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    .option("--har <file>", "write HAR 1.2 of every check, preflight and agreement exchange (keys redacted; entries tagged with check id and target)");
  addFindMaxOptions(cmd, {
    findMax: "load: search each target's highest passing open-loop rate per scenario (from --rate up), side by side",
    maxRate: "find-max: never offer more than this (mind vendor bills)",
    budget: "find-max: total search time per target",
  })
    .option("--no-progress", "no live load progress on stderr")
    .addHelpText(
      "after",
      "\nTargets run one after another (started, checked, loaded, ranked, stopped); the first is the baseline for\n" +
        "ranking agreement on fixtures/relevance.json: top-1 agreement, Kendall tau-b, and mean |Δscore| when both\n" +
        "serve the same model. Vendor endpoints bill per request: keep --rate/--duration small or use --skip-load.\n" +
        "--dataset adds NDCG@10, MAP, MRR@10 and recall@10 per target and a paired randomization test of each target\n" +
        "against the baseline; --price adds the cost per 1,000 queries at each documents count.\n" +
        "Example: rerank-harness compare --target container:vllm --target cohere --html compare.html\n" +
        "Exit 0 all passed, 1 a MUST check or load threshold failed, 2 usage error or a target could not start.",
    )
    .action(action(compare));
}

async function compare(flags: CompareFlags): Promise<number> {
  const { targetSpecsFromOptions } = await import("../targets/start.js");
  const specs = await targetSpecsFromOptions(flags);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const ctx = targetContextFrom(flags, log);
  if (await maybeDryRun(specs, ctx, flags)) return EXIT.ok;
  // Before anything starts or is sent: a preset without its key stops here (exit 2).
  (await import("../targets/keys.js")).checkApiKeys(specs, flags.apiKeyEnv, log);
  if (specs.length < 2) throw new UsageError(`compare needs two or more targets (got ${specs.length}): repeat --target or list them in --config`);

  // The shared workload, validated before any target starts (a container may take minutes).
  const { workloadFrom } = await import("../cli/load-options.js");
  const loadOptions = await workloadFrom(flags, log, !flags.skipLoad);
  const { datasetFrom, pricesFrom } = await import("../cli/quality-options.js");
  const prices = pricesFrom(flags);
  const dataset = await datasetFrom(flags, flags.seed);
  (await import("../checks/only.js")).checkOnly(flags.only);

  const { runCompare } = await import("../compare/run.js");
  const { compareExitCode } = await import("../compare/report.js");
  const { createProgressPrinter } = await import("../report/load-progress.js");
  const printer = flags.progress && !flags.skipLoad ? createProgressPrinter() : undefined;
  const har = flags.har ? await (await import("../report/har.js")).HarRecording.open() : undefined;
  const report = await runCompare(specs, ctx, {
    skipChecks: flags.skipChecks ?? false,
    skipLoad: flags.skipLoad ?? false,
    sameModel: flags.sameModel ?? false,
    checks: { strict: flags.strict ?? false, fuzz: flags.fuzz, ...(flags.only ? { only: flags.only } : {}) },
    load: loadOptions,
    ...(printer ? { onLoadProgress: (p) => printer.update(p) } : {}),
    ...(dataset || prices.length ? { quality: await qualityOptions(flags, dataset, prices) } : {}),
    ...(har ? { exchangeLogFor: (i: number) => har.logFor(i) } : {}),
  }).catch(async (err: unknown) => {
    await har?.close();
    throw err;
  });
  printer?.done();

  const { renderCompareConsole } = await import("../report/compare-console.js");
  const { coloursFor } = await import("../report/style.js");
  process.stdout.write(renderCompareConsole(report, { colors: coloursFor(process.stdout) }));
  const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
  await writeRequestedReports(
    [
      [flags.json, async () => jsonText((await import("../report/compare-json.js")).compareJson(report))],
      [flags.html, async () => (await import("../report/compare-html.js")).renderCompareHtml(report)],
    ],
    log,
  );
  const { writeCiOutputs, reportHint } = await import("../report/ci-outputs.js");
  const { compareSummary } = await import("../report/summary-compare.js");
  await writeCiOutputs(compareSummary(report), { summaryFile: flags.summary, log, fullReportHint: reportHint(flags.json) });
  if (har && flags.har) {
    await har.write(
      flags.har,
      report.targets.map((t) => t.label),
      (await import("../util/package-root.js")).packageVersion(),
    );
    log(`wrote ${flags.har}`);
    await har.close();
  }
  return compareExitCode(report);
}

async function qualityOptions(flags: CompareFlags, dataset: Dataset | undefined, prices: Price[]): Promise<QualityCompareOptions> {
  const { createQualityProgress } = await import("../quality/progress.js");
  return {
    ...(dataset ? { dataset } : {}),
    prices,
    costDocs: flags.docs ?? (dataset?.candidates ? [dataset.candidates] : [10, 50, 100]),
    ...(flags.progress ? { progress: (label: string, total: number) => createQualityProgress(label, total) } : {}),
  };
}
