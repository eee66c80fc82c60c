import { InvalidArgumentError, Option, type Command } from "commander";
import { addCommonOptions, durationOption, intArg, numberArg, type CommonOptions } from "../cli/options.js";
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
import { DEFAULT_PUSH_INTERVAL_MS } from "../distributed/remote-write/defaults.js";
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
  csv?: string;
  abortOnFail?: boolean;
  progress: boolean;
  arrival: "uniform" | "poisson";
  mix?: MixComponent[];
  baseline?: string;
  maxRegression: number;
  out?: { kind: "prometheus-rw"; url: string };
  testid?: string;
  runner?: string;
  pushInterval: number;
}

/** `--out prometheus-rw=URL`: where to stream the run while it runs. */
function outArg(value: string): { kind: "prometheus-rw"; url: string } {
  const m = /^prometheus-rw=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError(`"${value}" is not prometheus-rw=URL (the one output there is)`);
  let url: URL;
  try {
    url = new URL(m[1]!);
  } catch {
    throw new InvalidArgumentError(`"${m[1]}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new InvalidArgumentError(`"${m[1]}" is not an http(s) URL`);
  return { kind: "prometheus-rw", url: url.href };
}

/** A Prometheus label value: printable, no more than 128 characters. */
function labelArg(value: string): string {
  if (!/^[\x21-\x7e]{1,128}$/.test(value)) throw new InvalidArgumentError(`"${value}" must be 1-128 printable characters without spaces`);
  return value;
}

export function define(program: Command): void {
  const cmd = program.command("load").description("run the built-in open-loop load generator against a target and judge it against latency/throughput targets");
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
    .addOption(
      new Option("--doc-tokens <mean[:spread]>", "document length in tokens").argParser(lengthArg).default(DEFAULT_DOC_TOKENS, lengthLabel(DEFAULT_DOC_TOKENS)),
    )
    .addOption(
      new Option("--query-tokens <mean[:spread]>", "query length in tokens")
        .argParser(lengthArg)
        .default(DEFAULT_QUERY_TOKENS, lengthLabel(DEFAULT_QUERY_TOKENS)),
    )
    .option("--corpus <file>", "passages and queries: JSON {passages, queries?} or JSONL (default: fixtures/corpus/default.json)")
    .option("--max-error-rate <fraction>", "a scenario fails when (errors + dropped) / scheduled exceeds this", fractionArg, DEFAULT_MAX_ERROR_RATE)
    .option("--path <path>", "rerank path (default: the dialect's canonical one)")
    .option("--json <file>", "write the full report as JSON (histograms included, HdrHistogram base64)")
    .option("--html <file>", "write a self-contained HTML report with charts")
    .option("--summary <file>", "write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    .option("--csv <file>", "write one row per scenario and per find-max step, with the JSON summary's fields (see docs/records.md)")
    .option("--abort-on-fail", "stop an open-loop scenario (or find-max step) once its failure is certain or the server is over-saturated")
    .addOption(
      new Option("--arrival <kind>", "open-loop schedule: uniform gaps, or poisson (exponential gaps, seeded by --seed)")
        .choices(ARRIVALS)
        .default(DEFAULT_ARRIVAL),
    )
    .option("--mix <D:W,...>", "one scenario mixing documents counts with weights, e.g. 10:0.6,50:0.3,100:0.1 (instead of --docs)", mixArg);
  addFindMaxOptions(cmd, {
    findMax: "search each scenario's highest open-loop rate that still passes its targets (starts at --rate or the target rate)",
    maxRate: "find-max: never offer more than this",
    budget: "find-max: total time for every search together",
  })
    .option("--baseline <file>", "an earlier --json report: fail (exit 1) when a scenario regressed against it")
    .option(
      "--max-regression <pct>",
      "with --baseline: a worse p50/p95/p99/achieved rate beyond this many percent (and beyond the noise) regresses",
      numberArg(0),
      DEFAULT_MAX_REGRESSION_PCT,
    )
    .option("--out <output>", "stream the run while it runs: prometheus-rw=URL (remote write 1.0, k6's metric names, latency as a native histogram)", outArg)
    .option(
      "--testid <id>",
      "names this run in what --out streams and in the JSON (default: generated, printed at start); give every runner the same one",
      labelArg,
    )
    .option("--runner <name>", "this runner's `instance` label in what --out streams (default: host name and process id)", labelArg)
    .addOption(durationOption("--push-interval <duration>", "--out: time between writes (each carries the whole state so far)", DEFAULT_PUSH_INTERVAL_MS))
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
  if (flags.pushInterval < 100) throw new UsageError("--push-interval must be at least 100ms");
  if ((flags.runner !== undefined || flags.pushInterval !== DEFAULT_PUSH_INTERVAL_MS) && !flags.out)
    throw new UsageError("--runner and --push-interval go with --out prometheus-rw=URL");
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
    abortOnFail: flags.abortOnFail ?? false,
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

  const testid = flags.testid ?? (flags.out ? generatedTestId() : undefined);
  let sink: import("../distributed/remote-write/sink.js").RemoteWriteSink | undefined;
  if (flags.out) {
    const { RemoteWriteSink } = await import("../distributed/remote-write/sink.js");
    const { hostname } = await import("node:os");
    sink = new RemoteWriteSink({
      url: flags.out.url,
      testid: testid!,
      instance: flags.runner ?? `${hostname()}:${process.pid}`,
      intervalMs: flags.pushInterval,
      timeoutMs: Math.min(5_000, Math.max(1_000, flags.pushInterval)),
      maxQueue: 4,
      log,
    });
    log(`testid ${testid}: streaming to ${flags.out.url} every ${flags.pushInterval / 1000} s`);
  }
  const { runLoad } = await import("../load/run.js");
  const { createProgressPrinter } = await import("../report/load-progress.js");
  const printer = flags.progress ? createProgressPrinter() : undefined;
  const { formatStep } = await import("../report/load-console.js");
  let report;
  try {
    // One small request first: an unreachable or wrong target is exit 2 now, not a run of errors.
    const { preflightTarget } = await import("../targets/preflight.js");
    await preflightTarget(target, { timeoutMs: flags.timeout });
    sink?.start();
    const { snapshotFromProgress } = await import("../distributed/remote-write/sink.js");
    report = await runLoad(target, {
      ...options,
      isolate,
      onProgress: printer ? (p) => printer.update(p) : undefined,
      onLive: sink ? (live) => sink.live(live.scenario, () => snapshotFromProgress(live)) : undefined,
      onScenario: (result) => {
        printer?.done();
        sink?.finish(result);
      },
      // Find-max: one line per step whatever --no-progress says (a search is long; this is its log).
      onStep: (scenario, step, bracket) => {
        printer?.done();
        log(formatStep(scenario, step, bracket));
      },
    });
  } finally {
    printer?.done();
    const stats = await sink?.close();
    if (report && stats) report.remote_write = stats;
    await target.stop();
  }
  if (testid) report.testid = testid;

  if (baseline) {
    const { compareWithBaseline } = await import("../load/baseline.js");
    report.baseline = compareWithBaseline(report, baseline, { file: flags.baseline!, maxRegressionPct: flags.maxRegression });
    if (report.baseline.regressed) report.passed = false;
  }

  const { emitLoadReport } = await import("./load-outputs.js");
  return emitLoadReport(report, flags, log);
}

/** A run id nobody else picks by chance: the UTC time and a random suffix, e.g. rh-20261203T0530-3fa9. */
function generatedTestId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 13);
  return `rh-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
