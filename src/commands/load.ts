import { Option, type Command } from "commander";
import { addCommonOptions, intArg, numberArg, type CommonOptions } from "../cli/options.js";
import { action, EXIT, UsageError } from "../cli/errors.js";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { targetContextFrom } from "../cli/target-context.js";
import {
  addFindMaxOptions,
  addWorkloadOptions,
  fractionArg,
  lengthArg,
  lengthLabel,
  mixArg,
  rateListArg,
  workersArg,
  workloadFrom,
  type WorkloadFlags,
} from "../cli/load-options.js";
import {
  DEFAULT_ARRIVAL,
  DEFAULT_DOC_TOKENS,
  DEFAULT_DURATION_MS,
  DEFAULT_LOAD_SEED,
  DEFAULT_MAX_ERROR_RATE,
  DEFAULT_MAX_INFLIGHT,
  DEFAULT_MAX_REGRESSION_PCT,
  DEFAULT_QUERY_TOKENS,
  DEFAULT_WARMUP_MS,
} from "../load/options.js";
import { ARRIVALS } from "../load/arrival.js";
import type { MixComponent } from "../load/mix.js";

interface LoadFlags extends CommonOptions, ContainerOptions, WorkloadFlags {
  ramp?: number[];
  concurrency?: number;
  maxInflight: number;
  workers: number | "auto";
  docTokens: { mean: number; spread: number };
  queryTokens: { mean: number; spread: number };
  corpus?: string;
  maxErrorRate: number;
  path?: string;
  json?: string;
  html?: string;
  summary?: string;
  progress: boolean;
  arrival: "uniform" | "poisson";
  mix?: MixComponent[];
  baseline?: string;
  maxRegression: number;
}

export function define(program: Command): void {
  const cmd = program
    .command("load")
    .description("run the built-in open-loop load generator against a target and judge it against latency/throughput targets");
  addWorkloadOptions(
    addContainerOptions(addCommonOptions(cmd)),
    { durationMs: DEFAULT_DURATION_MS, warmupMs: DEFAULT_WARMUP_MS, seed: DEFAULT_LOAD_SEED },
    {
      docs: "documents per request, one scenario each (default: the SLO file's, 10,50,100)",
      duration: "measured time per scenario (and per ramp step)",
      seed: "workload seed (same seed, same requests)",
      slo: "the SLO file: latency/throughput targets per documents count (default: fixtures/targets/default.json, the seed's A100 figures)",
    },
  )
    .option("--rate <rps>", "open loop: constant arrival rate for every scenario (default: each scenario's target rate)", numberArg(0.001))
    .option("--ramp <rates>", "stepped open loop: each rate in turn, each for --duration (e.g. 50,100,200)", rateListArg)
    .option("--concurrency <n>", "closed loop: n virtual users, each sending as soon as its last response came back", intArg(1))
    .option("--max-inflight <n>", "past this many requests in flight a due send is dropped and counted, never delayed", intArg(1), DEFAULT_MAX_INFLIGHT)
    .option("--workers <n|auto>", "threads sending (auto: one per 5000 req/s offered, up to the cores)", workersArg, "auto")
    .addOption(new Option("--doc-tokens <mean[:spread]>", "document length in tokens").argParser(lengthArg).default(DEFAULT_DOC_TOKENS, lengthLabel(DEFAULT_DOC_TOKENS)))
    .addOption(new Option("--query-tokens <mean[:spread]>", "query length in tokens").argParser(lengthArg).default(DEFAULT_QUERY_TOKENS, lengthLabel(DEFAULT_QUERY_TOKENS)))
    .option("--corpus <file>", "passages and queries: JSON {passages, queries?} or JSONL (default: fixtures/corpus/default.json)")
    .option("--max-error-rate <fraction>", "a scenario fails when (errors + dropped) / scheduled exceeds this", fractionArg, DEFAULT_MAX_ERROR_RATE)
    .option("--path <path>", "rerank path (default: the dialect's canonical one)")
    .option("--json <file>", "write the full report as JSON (histograms included, HdrHistogram base64)")
    .option("--html <file>", "write a self-contained HTML report with charts")
    .option("--summary <file>", "write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    .addOption(new Option("--arrival <kind>", "open-loop schedule: uniform gaps, or poisson (exponential gaps, seeded by --seed)").choices(ARRIVALS).default(DEFAULT_ARRIVAL))
    .option("--mix <D:W,...>", "one scenario mixing documents counts with weights, e.g. 10:0.6,50:0.3,100:0.1 (instead of --docs)", mixArg);
  addFindMaxOptions(cmd, {
    findMax: "search each scenario's highest open-loop rate that still passes its targets (starts at --rate or the target rate)",
    maxRate: "find-max: never offer more than this",
    budget: "find-max: total time for every search together",
  })
    .option("--baseline <file>", "an earlier --json report: fail (exit 1) when a scenario regressed against it")
    .option("--max-regression <pct>", "with --baseline: a worse p50/p95/p99/achieved rate beyond this many percent (and beyond the noise) regresses", numberArg(0), DEFAULT_MAX_REGRESSION_PCT)
    .option("--no-progress", "no live progress on stderr")
    .addHelpText(
      "after",
      "\nLatency is measured from each request's intended send time (no coordinated omission) and recorded in\n" +
        "HdrHistogram. Each scenario passes when p95 ≤ target, achieved rate ≥ (1 − tolerance) × offered, and\n" +
        "errors + drops ≤ --max-error-rate. Exit 0 all passed, 1 a scenario failed, 2 usage or start error.\n" +
        "--find-max grows the rate ×2 per step until a step fails, then bisects to within 5%; each step is a\n" +
        "--warmup, then up to --duration measured (1000 requests where that allows). Exit 1 when no rate passed.\n" +
        "--baseline: exit 1 when p50/p95/p99 rose, or the achieved rate fell, by more than --max-regression\n" +
        "and beyond the noise (95% intervals from the recorded histograms).",
    );
  for (const flag of ["--rate", "--ramp", "--concurrency"]) {
    const opt = cmd.options.find((o) => o.long === flag)!;
    opt.conflicts(["rate", "ramp", "concurrency"].filter((n) => `--${n}` !== flag));
  }
  cmd.options.find((o) => o.long === "--mix")!.conflicts(["docs"]);
  cmd.options.find((o) => o.long === "--find-max")!.conflicts(["ramp", "concurrency"]);
  cmd.options.find((o) => o.long === "--arrival")!.conflicts(["concurrency"]);
  cmd.action(action(load));
}

async function load(flags: LoadFlags): Promise<number> {
  const { startTarget, targetSpecsFromOptions } = await import("../targets/start.js");
  const { readInputFile } = await import("../util/files.js");
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  let corpus;
  let baseline;
  if (flags.baseline) {
    const { parseBaselineReport } = await import("../load/baseline.js");
    baseline = parseBaselineReport(await readInputFile(flags.baseline, `--baseline ${flags.baseline}`), flags.baseline);
  }
  if (flags.corpus) {
    const { parseCorpus } = await import("../load/corpus.js");
    corpus = parseCorpus(await readInputFile(flags.corpus, `--corpus ${flags.corpus}`), flags.corpus);
  }
  const workload = await workloadFrom(flags, log, false);
  const options = {
    ...workload,
    ramp: flags.ramp,
    concurrency: flags.concurrency,
    timeoutMs: flags.timeout,
    maxInflight: flags.maxInflight,
    workers: flags.workers,
    docTokens: flags.docTokens,
    queryTokens: flags.queryTokens,
    path: flags.path,
    maxErrorRate: flags.maxErrorRate,
    arrival: flags.arrival,
    ...(flags.mix ? { mix: flags.mix } : {}),
    ...(corpus ? { corpus, corpusName: flags.corpus } : {}),
  };
  // Refuse unrunnable options before starting a target, which may take minutes.
  const { checkRunnable } = await import("../cli/load-options.js");
  await checkRunnable(options);

  const specs = await targetSpecsFromOptions(flags);
  if (specs.length > 1) throw new UsageError("load runs against one target; use compare for several");
  // The embedded reference runs inference in this process: send from a worker thread so its
  // CPU work cannot hold up the generator's schedule (unless --workers says otherwise).
  const isolate = specs[0]!.kind === "embedded" && flags.workers === "auto";
  const ctx = targetContextFrom(flags, log);
  if (await maybeDryRun(specs, ctx, flags)) return EXIT.ok;
  // Before anything starts or is sent: a preset without its key stops here (exit 2).
  (await import("../targets/keys.js")).checkApiKeys(specs, flags.apiKeyEnv, log);
  const target = await startTarget(specs[0]!, ctx);

  const { runLoad } = await import("../load/run.js");
  const { renderLoadConsole } = await import("../report/load-console.js");
  const { createProgressPrinter } = await import("../report/load-progress.js");
  const printer = flags.progress ? createProgressPrinter() : undefined;
  const { formatStep } = await import("../report/load-console.js");
  let report;
  try {
    // One small request first: an unreachable or wrong target is exit 2 now, not a run of errors.
    const { preflightTarget } = await import("../targets/preflight.js");
    await preflightTarget(target, { timeoutMs: flags.timeout });
    report = await runLoad(target, {
      ...options,
      isolate,
      onProgress: printer ? (p) => printer.update(p) : undefined,
      onScenario: printer ? () => printer.done() : undefined,
      // Find-max: one line per step whatever --no-progress says (a search is long; this is its log).
      onStep: (scenario, step, bracket) => {
        printer?.done();
        log(formatStep(scenario, step, bracket));
      },
    });
  } finally {
    printer?.done();
    await target.stop();
  }

  if (baseline) {
    const { compareWithBaseline } = await import("../load/baseline.js");
    report.baseline = compareWithBaseline(report, baseline, { file: flags.baseline!, maxRegressionPct: flags.maxRegression });
    if (report.baseline.regressed) report.passed = false;
  }

  const { coloursFor } = await import("../report/style.js");
  process.stdout.write(renderLoadConsole(report, { colors: coloursFor(process.stdout) }));
  const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
  await writeRequestedReports(
    [
      [flags.json, () => jsonText(report)],
      [flags.html, async () => (await import("../report/load-html.js")).renderLoadHtml([{ label: report.target, report }])],
    ],
    log,
  );
  const { writeCiOutputs, reportHint } = await import("../report/ci-outputs.js");
  const { loadSummary } = await import("../report/summary-load.js");
  await writeCiOutputs(loadSummary(report), { summaryFile: flags.summary, log, fullReportHint: reportHint(flags.json) });
  return report.passed ? EXIT.ok : EXIT.failed;
}
