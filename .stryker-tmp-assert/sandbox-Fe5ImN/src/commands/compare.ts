// @ts-nocheck
import { Option, type Command } from "commander";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { addCommonOptions, durationArg, idListArg, intArg, intListArg, numberArg, type CommonOptions } from "../cli/options.js";
import { targetContextFrom } from "../cli/target-context.js";
import { action, EXIT, UsageError } from "../cli/errors.js";

interface CompareFlags extends CommonOptions, ContainerOptions {
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
  progress: boolean;
}

/** Compare is usually pointed at paid endpoints too: a modest rate and a short window by default. */
export const COMPARE_DEFAULTS = { rate: 10, durationMs: 5_000, warmupMs: 1_000, fuzz: 10, seed: 42 } as const;


export function define(program: Command): void {
  const cmd = program
    .command("compare")
    .description("the same checks, seeded load and ranking-agreement requests against two or more --targets, side by side");
  addContainerOptions(addCommonOptions(cmd, { repeatableTarget: true }))
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
    .option("--no-progress", "no live load progress on stderr")
    .addHelpText(
      "after",
      "\nTargets run one after another (started, checked, loaded, ranked, stopped); the first is the baseline for\n" +
        "ranking agreement on fixtures/relevance.json: top-1 agreement, Kendall tau-b, and mean |Δscore| when both\n" +
        "serve the same model. Vendor endpoints bill per request: keep --rate/--duration small or use --skip-load.\n" +
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
  if (specs.length < 2) throw new UsageError(`compare needs two or more targets (got ${specs.length}): repeat --target or list them in --config`);

  const loadOptions = await loadOptionsFrom(flags);
  if (flags.only) {
    const { unknownPrefixes } = await import("../checks/catalogue/index.js");
    const unknown = unknownPrefixes(flags.only);
    if (unknown.length > 0) throw new UsageError(`--only ${unknown.join(",")} selects no check (see check --list)`);
  }

  const { runCompare } = await import("../compare/run.js");
  const { compareExitCode } = await import("../compare/report.js");
  const { createProgressPrinter } = await import("../report/load-progress.js");
  const printer = flags.progress && !flags.skipLoad ? createProgressPrinter() : undefined;
  const report = await runCompare(specs, ctx, {
    skipChecks: flags.skipChecks ?? false,
    skipLoad: flags.skipLoad ?? false,
    sameModel: flags.sameModel ?? false,
    checks: { strict: flags.strict ?? false, fuzz: flags.fuzz, ...(flags.only ? { only: flags.only } : {}) },
    load: loadOptions,
    ...(printer ? { onLoadProgress: (p) => printer.update(p) } : {}),
  });
  printer?.done();

  const { renderCompareConsole } = await import("../report/compare-console.js");
  process.stdout.write(renderCompareConsole(report));
  const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
  await writeRequestedReports(
    [
      [flags.json, async () => jsonText((await import("../report/compare-json.js")).compareJson(report))],
      [flags.html, async () => (await import("../report/compare-html.js")).renderCompareHtml(report)],
    ],
    log,
  );
  return compareExitCode(report);
}

/** The shared workload, validated before any target starts (a container may take minutes). */
async function loadOptionsFrom(flags: CompareFlags) {
  const { parseTargets, TargetsFileError } = await import("../load/targets.js");
  const { parseLoadSettings, LoadOptionsError } = await import("../load/options.js");
  const { planScenarios } = await import("../load/plan.js");
  const { loadDefaultTargets } = await import("../load/fixtures.js");
  const { readFile } = await import("node:fs/promises");
  let targets;
  try {
    if (flags.targets) {
      const text = await readFile(flags.targets, "utf8").catch((err: NodeJS.ErrnoException) => {
        throw new UsageError(`--targets ${flags.targets}: ${err.code ?? err.message}`);
      });
      targets = parseTargets(JSON.parse(text), flags.targets);
    }
    const options = {
      ...(flags.docs ? { docs: flags.docs } : {}),
      rate: flags.rate,
      durationMs: flags.duration,
      warmupMs: flags.warmup,
      seed: flags.seed,
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
