import { InvalidArgumentError, Option, type Command } from "commander";
import { addCommonOptions, durationArg, intArg, intListArg, numberArg, type CommonOptions } from "../cli/options.js";
import { action, EXIT, UsageError } from "../cli/errors.js";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { targetContextFrom } from "../cli/target-context.js";
import { MixError, parseMix, type MixComponent } from "../load/mix.js";

interface LoadFlags extends CommonOptions, ContainerOptions {
  docs?: number[];
  rate?: number;
  ramp?: number[];
  concurrency?: number;
  duration: number;
  warmup: number;
  maxInflight: number;
  workers: number | "auto";
  docTokens: { mean: number; spread: number };
  queryTokens: { mean: number; spread: number };
  seed: number;
  corpus?: string;
  targets?: string;
  maxErrorRate: number;
  path?: string;
  json?: string;
  html?: string;
  progress: boolean;
  arrival: "uniform" | "poisson";
  mix?: MixComponent[];
  findMax?: boolean;
  maxRate?: number;
  findMaxBudget: number;
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

/** Comma-separated positive numbers, e.g. `--ramp 50,100,200`. */
function rateListArg(value: string): number[] {
  return value.split(",").map((item) => {
    const n = Number(item.trim());
    if (item.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${item}" in "${value}" is not a positive rate`);
    return n;
  });
}

/** `MEAN` or `MEAN:SPREAD` in tokens, e.g. `64:16`. */
function lengthArg(value: string): { mean: number; spread: number } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/.exec(value);
  if (!m || Number(m[1]) <= 0) throw new InvalidArgumentError(`"${value}" is not MEAN or MEAN:SPREAD in tokens (e.g. 64:16)`);
  return { mean: Number(m[1]), spread: m[2] === undefined ? 0 : Number(m[2]) };
}

function workersArg(value: string): number | "auto" {
  return value === "auto" ? "auto" : intArg(1)(value);
}

/** `--mix 10:0.6,50:0.3,100:0.1`: documents counts with weights. */
function mixArg(value: string): MixComponent[] {
  try {
    return parseMix(value);
  } catch (err) {
    if (err instanceof MixError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

function fractionArg(value: string): number {
  const n = numberArg(0)(value);
  if (n > 1) throw new InvalidArgumentError("must be a fraction between 0 and 1");
  return n;
}

export function define(program: Command): void {
  const cmd = program
    .command("load")
    .description("run the built-in open-loop load generator against a target and judge it against latency/throughput targets");
  addContainerOptions(addCommonOptions(cmd))
    .option("--docs <list>", "documents per request, one scenario each (default: the targets file's, 10,50,100)", intListArg)
    .option("--rate <rps>", "open loop: constant arrival rate for every scenario (default: each scenario's target rate)", numberArg(0.001))
    .option("--ramp <rates>", "stepped open loop: each rate in turn, each for --duration (e.g. 50,100,200)", rateListArg)
    .option("--concurrency <n>", "closed loop: n virtual users, each sending as soon as its last response came back", intArg(1))
    .addOption(new Option("--duration <duration>", "measured time per scenario (and per ramp step)").argParser(durationArg).default(10_000, "10s"))
    .addOption(new Option("--warmup <duration>", "unmeasured lead-in before each scenario").argParser(durationArg).default(2_000, "2s"))
    .option("--max-inflight <n>", "past this many requests in flight a due send is dropped and counted, never delayed", intArg(1), 1_000)
    .option("--workers <n|auto>", "threads sending (auto: one per 5000 req/s offered, up to the cores)", workersArg, "auto")
    .addOption(new Option("--doc-tokens <mean[:spread]>", "document length in tokens").argParser(lengthArg).default({ mean: 64, spread: 16 }, "64:16"))
    .addOption(new Option("--query-tokens <mean[:spread]>", "query length in tokens").argParser(lengthArg).default({ mean: 12, spread: 3 }, "12:3"))
    .option("--seed <n>", "workload seed (same seed, same requests)", intArg(0), 42)
    .option("--corpus <file>", "passages and queries: JSON {passages, queries?} or JSONL (default: fixtures/corpus/default.json)")
    .option("--targets <file>", "latency/throughput targets (default: fixtures/targets/default.json, the seed's A100 figures)")
    .option("--max-error-rate <fraction>", "a scenario fails when (errors + dropped) / scheduled exceeds this", fractionArg, 0.01)
    .option("--path <path>", "rerank path (default: the dialect's canonical one)")
    .option("--json <file>", "write the full report as JSON (histograms included, HdrHistogram base64)")
    .option("--html <file>", "write a self-contained HTML report with charts")
    .addOption(new Option("--arrival <kind>", "open-loop schedule: uniform gaps, or poisson (exponential gaps, seeded by --seed)").choices(["uniform", "poisson"]).default("uniform"))
    .option("--mix <D:W,...>", "one scenario mixing documents counts with weights, e.g. 10:0.6,50:0.3,100:0.1 (instead of --docs)", mixArg)
    .option("--find-max", "search each scenario's highest open-loop rate that still passes its targets (starts at --rate or the target rate)")
    .option("--max-rate <rps>", "find-max: never offer more than this", numberArg(0.001))
    .addOption(new Option("--find-max-budget <duration>", "find-max: total time for every search together").argParser(durationArg).default(10 * 60_000, "10m"))
    .option("--baseline <file>", "an earlier --json report: fail (exit 1) when a scenario regressed against it")
    .option("--max-regression <pct>", "with --baseline: a worse p50/p95/p99/achieved rate beyond this many percent (and beyond the noise) regresses", numberArg(0), 10)
    .option("--out <output>", "stream the run while it runs: prometheus-rw=URL (remote write 1.0, k6's metric names, latency as a native histogram)", outArg)
    .option("--testid <id>", "names this run in what --out streams and in the JSON (default: generated, printed at start); give every runner the same one", labelArg)
    .option("--runner <name>", "this runner's `instance` label in what --out streams (default: host name and process id)", labelArg)
    .addOption(new Option("--push-interval <duration>", "--out: time between writes (each carries the whole state so far)").argParser(durationArg).default(5_000, "5s"))
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
  const { readFile } = await import("node:fs/promises");
  const { parseTargets, TargetsFileError } = await import("../load/targets.js");
  const { parseCorpus, CorpusFileError } = await import("../load/corpus.js");
  const { parseLoadSettings, LoadOptionsError } = await import("../load/options.js");
  const { planScenarios } = await import("../load/plan.js");
  const { loadDefaultTargets } = await import("../load/fixtures.js");
  const { startTarget, targetSpecsFromOptions } = await import("../targets/start.js");

  const readInput = async (what: string, file: string): Promise<string> => {
    try {
      return await readFile(file, "utf8");
    } catch (err) {
      const { fileProblem } = await import("../cli/file-errors.js");
      throw new UsageError(`${what} ${file}: cannot read it: ${fileProblem(err)}`);
    }
  };

  let targets;
  let corpus;
  let baseline;
  const mix = flags.mix;
  if (flags.baseline) {
    const { parseBaselineReport, BaselineFileError } = await import("../load/baseline.js");
    try {
      baseline = parseBaselineReport(await readInput("--baseline", flags.baseline), flags.baseline);
    } catch (err) {
      if (err instanceof BaselineFileError) throw new UsageError(err.message);
      throw err;
    }
  }
  if ((flags.maxRate !== undefined || flags.findMaxBudget !== 10 * 60_000) && !flags.findMax) throw new UsageError("--max-rate and --find-max-budget go with --find-max");
  if (flags.pushInterval < 100) throw new UsageError("--push-interval must be at least 100ms");
  if ((flags.runner !== undefined || flags.pushInterval !== 5_000) && !flags.out) throw new UsageError("--runner and --push-interval go with --out prometheus-rw=URL");
  try {
    if (flags.targets) {
      const text = await readInput("--targets", flags.targets);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (err) {
        throw new UsageError(`--targets ${flags.targets}: ${(err as Error).message}`);
      }
      targets = parseTargets(json, flags.targets);
    }
    if (flags.corpus) corpus = parseCorpus(await readInput("--corpus", flags.corpus), flags.corpus);
  } catch (err) {
    if (err instanceof TargetsFileError || err instanceof CorpusFileError) throw new UsageError(err.message);
    throw err;
  }

  const options = {
    docs: flags.docs,
    rate: flags.rate,
    ramp: flags.ramp,
    concurrency: flags.concurrency,
    durationMs: flags.duration,
    warmupMs: flags.warmup,
    timeoutMs: flags.timeout,
    maxInflight: flags.maxInflight,
    workers: flags.workers,
    docTokens: flags.docTokens,
    queryTokens: flags.queryTokens,
    seed: flags.seed,
    path: flags.path,
    maxErrorRate: flags.maxErrorRate,
    arrival: flags.arrival,
    ...(mix ? { mix } : {}),
    ...(flags.findMax ? { findMax: { budgetMs: flags.findMaxBudget, ...(flags.maxRate !== undefined ? { maxRate: flags.maxRate } : {}) } } : {}),
    ...(targets ? { targets, targetsSource: flags.targets } : {}),
    ...(corpus ? { corpus, corpusName: flags.corpus } : {}),
  };
  // Refuse unrunnable options before starting a target, which may take minutes.
  try {
    if (flags.duration <= 0) throw new LoadOptionsError("--duration must be more than 0");
    planScenarios(parseLoadSettings(options), targets ?? (await loadDefaultTargets()));
  } catch (err) {
    if (err instanceof LoadOptionsError) throw new UsageError(err.message);
    throw err;
  }

  const specs = await targetSpecsFromOptions(flags);
  if (specs.length > 1) throw new UsageError("load runs against one target; use compare for several");
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
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
  const { renderLoadConsole } = await import("../report/load-console.js");
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
  return report.passed ? EXIT.ok : EXIT.failed;
}

/** A run id nobody else picks by chance: the UTC time and a random suffix, e.g. rh-20261203T0530-3fa9. */
function generatedTestId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 13);
  return `rh-${stamp}-${Math.random().toString(16).slice(2, 6)}`;
}
