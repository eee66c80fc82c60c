import { Option, type Command } from "commander";
import { addCommonOptions, idListArg, intArg, type CommonOptions } from "../cli/options.js";
import { addContainerOptions, maybeDryRun, type ContainerOptions } from "../cli/container-options.js";
import { targetContextFrom } from "../cli/target-context.js";
import { SCORE_KINDS, type ScoreKind } from "../contract/dialect.js";
import { action, EXIT, UsageError } from "../cli/errors.js";
import { addDatasetOptions, addMinNdcgOption } from "../cli/quality-options.js";
import { DEFAULT_FUZZ, DEFAULT_SEED } from "../checks/defaults.js";

interface CheckOptions extends CommonOptions, ContainerOptions {
  scoreKind?: ScoreKind;
  list?: boolean;
  strict?: boolean;
  expectFailures?: string;
  fuzz: number;
  seed: number;
  only?: string[];
  junit?: string;
  json?: string;
  summary?: string;
  har?: string;
  verbose?: boolean;
  dataset?: string;
  candidates: number;
  minNdcg?: number;
  fidelity?: string;
  fidelityPrecision: "fp32" | "fp16" | "bf16";
}

export function define(program: Command): void {
  const cmd = program
    .command("check")
    .description("run the conformance suites against a target; console summary, --junit FILE, --json FILE")
    .option("--list", "print the check catalogue (ids, levels, dialects) and exit")
    .option("--strict", "SHOULD failures, warnings, known faults (KNOWN) and unexpected passes (XPASS) fail the run too")
    .option("--expect-failures <file>", "checks you expect to fail, one per line: CHECK_ID reason (# comments); reported as KNOWN, or XPASS if they pass")
    .option("--fuzz <n>", "generated requests per fuzz check (0: none)", intArg(0), DEFAULT_FUZZ)
    .option("--seed <n>", "seed for generated requests and shuffles", intArg(0), DEFAULT_SEED)
    .option("--only <ids>", "run only checks whose id starts with one of these (comma-separated), e.g. sort.,errors.malformed_json", idListArg)
    .option("--junit <file>", "write a JUnit XML report")
    .option("--json <file>", "write a JSON report with each check's evidence")
    .option("--summary <file>", "write a Markdown summary (also appended to $GITHUB_STEP_SUMMARY when set)")
    .option("--har <file>", "write HAR 1.2 of every exchange the run sent (keys redacted, each entry tagged with its check id)")
    .option("--verbose", "print each passing check's statement too")
    .addOption(
      new Option(
        "--score-kind <kind>",
        "override the dialect's score range: probability [0,1], logit, or any (a bi-encoder or ColBERT model behind vLLM)",
      ).choices(SCORE_KINDS),
    )
    .option(
      "--fidelity <model>",
      "also compare the scores with this model's own, computed locally (fixture name, Hugging Face repo id or directory, as --reference takes): checks fidelity.*",
    )
    .addOption(
      new Option("--fidelity-precision <p>", "the precision the server computes at; sets the fidelity tolerance")
        .choices(["fp32", "fp16", "bf16"])
        .default("fp32"),
    );
  addMinNdcgOption(addDatasetOptions(addContainerOptions(addCommonOptions(cmd)))).action(action(runCheck));
}

async function runCheck(options: CheckOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (options.list) {
    const { renderCatalogue } = await import("../checks/list.js");
    process.stdout.write(renderCatalogue());
    return EXIT.ok;
  }
  (await import("../checks/only.js")).checkOnly(options.only);

  if (options.minNdcg !== undefined && !options.dataset) throw new UsageError("--min-ndcg needs --dataset");
  // Read and validate the data set before the target starts; the relevance.dataset check evaluates it.
  const { datasetFrom } = await import("../cli/quality-options.js");
  const dataset = await datasetFrom(options, options.seed);

  if (options.fidelity) {
    // Before the target starts: an unknown model is a usage error, and a hub model is downloaded once here.
    const { resolveModelFiles } = await import("../reference/model-source.js");
    const { ReferenceError } = await import("../reference/errors.js");
    try {
      await resolveModelFiles(options.fidelity);
    } catch (err) {
      // The library says what is wrong with the model; the CLI says which flag named it.
      if (err instanceof ReferenceError) throw new UsageError(`--fidelity: ${err.message}`, { cause: err });
      throw err;
    }
  }

  let expectFailures;
  if (options.expectFailures) {
    const { readExpectFailures } = await import("../checks/expected-failures.js");
    expectFailures = await readExpectFailures(options.expectFailures);
  }

  const { startTarget, targetSpecsFromOptions } = await import("../targets/start.js");
  const specs = await targetSpecsFromOptions(options);
  if (specs.length > 1) throw new UsageError(`check runs against one target (got ${specs.length}); use compare for several`);

  const ctx = targetContextFrom(options, log);
  if (await maybeDryRun(specs, ctx, options)) return EXIT.ok;
  // Before anything starts or is sent: a preset without its key stops here (exit 2).
  (await import("../targets/keys.js")).checkApiKeys(specs, options.apiKeyEnv, log);
  const target = await startTarget(specs[0]!, ctx);
  const har = options.har ? await (await import("../report/har.js")).HarRecording.open() : undefined;
  const writeHar = async () => {
    if (!har || !options.har) return;
    await har.write(options.har, [undefined], (await import("../util/package-root.js")).packageVersion());
    log(`wrote ${options.har}`);
  };
  try {
    const { runConformance } = await import("../checks/run.js");
    const report = await runConformance(target, {
      strict: options.strict ?? false,
      ...(expectFailures ? { expectFailures } : {}),
      fuzz: options.fuzz,
      seed: options.seed,
      ...(options.only ? { only: options.only } : {}),
      ...(options.scoreKind ? { scoreKind: options.scoreKind } : {}),
      ...(options.fidelity ? { fidelity: { model: options.fidelity, precision: options.fidelityPrecision } } : {}),
      ...(dataset
        ? {
            dataset: {
              path: dataset.path,
              candidates: options.candidates,
              seed: options.seed,
              queries: dataset.queries,
              ...(options.minNdcg !== undefined ? { minNdcg: options.minNdcg } : {}),
            },
          }
        : {}),
      timeoutMs: options.timeout,
      ...(har ? { exchangeLog: har.logFor(0) } : {}),
      log,
    });
    const { renderCheckConsole } = await import("../report/check-console.js");
    const { coloursFor } = await import("../report/style.js");
    process.stdout.write(renderCheckConsole(report, { verbose: options.verbose ?? false, colors: coloursFor(process.stdout) }));
    const { jsonText, writeRequestedReports } = await import("../report/write-file.js");
    await writeRequestedReports(
      [
        [options.junit, async () => (await import("../report/junit.js")).renderJUnit(report)],
        [options.json, async () => jsonText((await import("../report/check-json.js")).checkJson(report))],
      ],
      log,
    );
    const { writeCiOutputs, reportHint } = await import("../report/ci-outputs.js");
    const { checkSummary } = await import("../report/summary-check.js");
    await writeCiOutputs(checkSummary(report), { summaryFile: options.summary, log, fullReportHint: reportHint(options.json) });
    return report.passed ? EXIT.ok : EXIT.failed;
  } finally {
    // On any exit, a failed preflight included: what was sent is the first thing to look at.
    await writeHar();
    await har?.close();
    await target.stop();
  }
}
