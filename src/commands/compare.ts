import { Option, type Command } from "commander";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { addCommonOptions, durationArg, idListArg, intArg, intListArg, numberArg, type CommonOptions } from "../cli/options.js";
import { targetContextFrom } from "../cli/target-context.js";
import { action, EXIT, UsageError } from "../cli/errors.js";
import type { QualityCompareOptions } from "../quality/compare.js";
import type { Price } from "../quality/cost.js";
import type { Dataset } from "../quality/dataset.js";
import { addDatasetOptions, addPriceOption, type QualityFlags } from "../quality/cli.js";

interface CompareFlags extends CommonOptions, ContainerOptions, QualityFlags {
  docs?: number[];
  rate: number;
  duration: number;
  warmup: number;
  seed: number;
  targets?: string;
  skipLoad?: boolean;
  skipChecks?: boolean;
  sameModel?: boolean;
  strict?: boolean;
  fuzz: number;
  only?: string[];
  json?: string;
  html?: string;
  har?: string;
  progress: boolean;
  findMax?: boolean;
  maxRate?: number;
  findMaxBudget: number;
}

/** Compare is usually pointed at paid endpoints too: a modest rate and a short window by default. */
export const COMPARE_DEFAULTS = { rate: 10, durationMs: 5_000, warmupMs: 1_000, fuzz: 10, seed: 42 } as const;


export function define(program: Command): void {
  const cmd = program
    .command("compare")
    .description("the same checks, seeded load and ranking-agreement requests against two or more --targets, side by side");
  addPriceOption(addDatasetOptions(addContainerOptions(addCommonOptions(cmd, { repeatableTarget: true }))))
    .option("--docs <list>", "documents per request, one load scenario each (default: the targets file's, 10,50,100)", intListArg)
    .option("--rate <rps>", "open-loop rate for every scenario and target", numberArg(0.001), COMPARE_DEFAULTS.rate)
    .addOption(new Option("--duration <duration>", "measured time per scenario").argParser(durationArg).default(COMPARE_DEFAULTS.durationMs, "5s"))
    .addOption(new Option("--warmup <duration>", "unmeasured lead-in before each scenario").argParser(durationArg).default(COMPARE_DEFAULTS.warmupMs, "1s"))
    .option("--seed <n>", "workload seed: every target gets the same requests", intArg(0), COMPARE_DEFAULTS.seed)
    .option("--targets <file>", "latency/throughput targets for the load scenarios (default: fixtures/targets/default.json)")
    .option("--skip-load", "no load run")
    .option("--skip-checks", "no conformance checks")
    .option("--same-model", "report mean |Δscore| even when the targets report different model names")
    .option("--strict", "SHOULD failures and warnings fail a target's checks too")
    .option("--fuzz <n>", "generated requests per fuzz check (0: none)", intArg(0), COMPARE_DEFAULTS.fuzz)
    .option("--only <ids>", "run only checks whose id starts with one of these (comma-separated)", idListArg)
    .option("--json <file>", "write the comparison as JSON")
    .option("--html <file>", "write one self-contained HTML page: load charts side by side, conformance matrix, agreement")
    .option("--har <file>", "write HAR 1.2 of every check, preflight and agreement exchange (keys redacted; entries tagged with check id and target)")
    .option("--find-max", "load: search each target's highest passing open-loop rate per scenario (from --rate up), side by side")
    .option("--max-rate <rps>", "find-max: never offer more than this (mind vendor bills)", numberArg(0.001))
    .addOption(new Option("--find-max-budget <duration>", "find-max: total search time per target").argParser(durationArg).default(10 * 60_000, "10m"))
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

  if (flags.maxRate !== undefined && !flags.findMax) throw new UsageError("--max-rate goes with --find-max");
  const loadOptions = await loadOptionsFrom(flags);
  const { datasetFrom, pricesFrom } = await import("../quality/cli.js");
  const prices = pricesFrom(flags);
  const dataset = await datasetFrom(flags, flags.seed);
  if (flags.only) {
    const { unknownPrefixes } = await import("../checks/catalogue/index.js");
    const unknown = unknownPrefixes(flags.only);
    if (unknown.length > 0) throw new UsageError(`--only ${unknown.join(",")} selects no check (see check --list)`);
  }

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
  if (har && flags.har) {
    await har.write(flags.har, report.targets.map((t) => t.label), (await import("../checks/package-root.js")).packageVersion());
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

/** The shared workload, validated before any target starts (a container may take minutes). */
async function loadOptionsFrom(flags: CompareFlags) {
  const { parseTargets, TargetsFileError } = await import("../load/targets.js");
  const { parseLoadSettings, LoadOptionsError } = await import("../load/options.js");
  const { planScenarios } = await import("../load/plan.js");
  const { loadDefaultTargets } = await import("../load/fixtures.js");
  const { readFile } = await import("node:fs/promises");
  const { fileProblem } = await import("../cli/file-errors.js");
  let targets;
  try {
    if (flags.targets) {
      const text = await readFile(flags.targets, "utf8").catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`--targets ${flags.targets}: cannot read it: ${fileProblem(err)}`);
      });
      targets = parseTargets(JSON.parse(text), flags.targets);
    }
    const options = {
      ...(flags.docs ? { docs: flags.docs } : {}),
      rate: flags.rate,
      durationMs: flags.duration,
      warmupMs: flags.warmup,
      seed: flags.seed,
      ...(flags.findMax ? { findMax: { budgetMs: flags.findMaxBudget, ...(flags.maxRate !== undefined ? { maxRate: flags.maxRate } : {}) } } : {}),
      ...(targets ? { targets, targetsSource: flags.targets } : {}),
    };
    if (!flags.skipLoad) {
      if (flags.duration <= 0) throw new LoadOptionsError("--duration must be more than 0");
      planScenarios(parseLoadSettings(options), targets ?? (await loadDefaultTargets()));
    }
    return options;
  } catch (err) {
    if (err instanceof TargetsFileError || err instanceof LoadOptionsError || err instanceof SyntaxError) throw new UsageError(err.message);
    throw err;
  }
}
