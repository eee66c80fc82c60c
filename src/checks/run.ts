import { performance } from "node:perf_hooks";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Vitest } from "vitest/node";
import type { Dialect, ScoreKind } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import { CATALOGUE, matchesOnly, resolveSource } from "./catalogue/index.js";
import { OutcomeCollector } from "./collector.js";
import type { SuiteDataset, SuiteTarget } from "./context.js";
import type { SuiteFidelity } from "./fidelity/settings.js";
import { suiteTargetFor } from "./suite-target.js";
import type {} from "./provided.js";
import { packageFile, packageRoot } from "../util/package-root.js";
import { preflight, type PreflightResult } from "../targets/preflight.js";
import { jsonLinesSink, recordExchanges } from "../client/exchange-recording.js";
import { applyExpectedFailures, expectedFailuresFor, tally } from "./expected-failures.js";
import type { ConformanceReport } from "./report.js";
import { CHECK_AREAS, type CheckOutcome, type ExpectedFailure } from "./types.js";
import { checkOnly, ConformanceOptionsError } from "./only.js";
import { DEFAULT_FUZZ, DEFAULT_SEED } from "./defaults.js";

export { PreflightError } from "../targets/preflight.js";
export type { CheckOutcome, Evidence } from "./types.js";
export type { ConformanceReport } from "./report.js";

export interface ConformanceOptions {
  /** SHOULD failures, warnings, known faults and unexpected passes fail the run. */
  strict?: boolean;
  /** The user's expected failures (--expect-failures), on top of the dialect's known upstream faults. */
  expectFailures?: ExpectedFailure[];
  /** Generated requests per fuzz check (default 50; 0 turns fuzzing off). */
  fuzz?: number;
  /** Seed for generated requests and shuffles (default 1). */
  seed?: number;
  /** Check-id prefixes to run (default: all). */
  only?: string[];
  /** Overrides the dialect's documented score kind. */
  scoreKind?: ScoreKind;
  /** Per-request timeout. */
  timeoutMs: number;
  /** check --dataset: evaluated by the relevance.dataset check. */
  dataset?: SuiteDataset;
  /** The caller's own preflight of this target (compare sends one before everything else): not sent twice. */
  preflight?: PreflightResult;
  /** --har: append every exchange the run sends (preflight included) to this JSON-lines file. */
  exchangeLog?: string;
  /** check --fidelity: compare the server's scores with this model's own (the fidelity checks skip without it). */
  fidelity?: SuiteFidelity;
  log?: (line: string) => void;
}

export { DEFAULT_FUZZ, DEFAULT_SEED };
/** The tag of the request sent before the checks (in --har, beside the check ids). */
export const PREFLIGHT_TAG = "preflight";

export { ConformanceOptionsError };

/**
 * Runs the conformance catalogue against an already-started target: a preflight request
 * (throws PreflightError when the target cannot answer at all), then the vitest suites in
 * suites/ through vitest's Node API, with the target provided to them by value (its key
 * stays in the environment). The caller starts and stops the target.
 */
export async function runConformance(target: StartedTarget, options: ConformanceOptions): Promise<ConformanceReport> {
  const session = new ConformanceSession();
  try {
    return await session.run(target, options);
  } finally {
    await session.close();
  }
}

/**
 * Several conformance runs on one vitest instance (starting vitest costs about a second):
 * for callers that check many targets in turn. Runs are serialised; close() when done.
 */
export class ConformanceSession {
  private vitest: Vitest | undefined;
  private collector: OutcomeCollector | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  run(target: StartedTarget, options: ConformanceOptions): Promise<ConformanceReport> {
    const next = this.queue.then(() => this.runNow(target, options));
    this.queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    const vitest = this.vitest;
    this.vitest = undefined;
    await vitest?.close();
  }

  private async runNow(target: StartedTarget, options: ConformanceOptions): Promise<ConformanceReport> {
    const startedAt = new Date();
    const t0 = performance.now();
    const log = options.log ?? (() => {});
    const only = options.only?.filter(Boolean);
    if (only && only.length > 0) checkOnly(only);

    const sendPreflight = () => preflight(target, options.timeoutMs);
    const pre =
      options.preflight ?? (await (options.exchangeLog ? recordExchanges(jsonLinesSink(options.exchangeLog), PREFLIGHT_TAG, sendPreflight) : sendPreflight()));
    log(`preflight: ${target.dialect.paths[0]} answered ${pre.status} in ${pre.durationMs} ms`);

    const suiteTarget = suiteTargetFor(target, {
      timeoutMs: options.timeoutMs,
      strict: options.strict ?? false,
      fuzz: options.fuzz ?? DEFAULT_FUZZ,
      seed: options.seed ?? DEFAULT_SEED,
      ...(only ? { only } : {}),
      ...(options.scoreKind ? { scoreKind: options.scoreKind } : {}),
      ...(options.dataset ? { dataset: options.dataset } : {}),
      ...(options.exchangeLog ? { exchangeLog: options.exchangeLog } : {}),
      ...(options.fidelity ? { fidelity: options.fidelity } : {}),
    });
    const collector = await this.runSuites(suiteTarget, target.dialect, options.timeoutMs, log);

    // Every selected check gets an outcome, even if its suite never reported it.
    const collected: CheckOutcome[] = CATALOGUE.filter((c) => matchesOnly(c.id, only)).map(
      (c) =>
        collector.outcomes.get(c.id) ?? {
          id: c.id,
          area: c.area,
          level: c.level,
          statement: c.statement,
          source: resolveSource(c, target.dialect),
          status: "fail",
          message: `the check did not report a result${collector.problems.length ? `: ${collector.problems.join("; ")}` : ""}`,
          duration_ms: 0,
        },
    );
    const expected = expectedFailuresFor(target.dialect, options.expectFailures);
    const checks = applyExpectedFailures(collected, expected, options.strict ?? false);
    const summary = tally(checks);
    return {
      target: target.label,
      base_url: target.baseUrl,
      dialect: target.dialect.name,
      ...(target.model !== undefined ? { model: target.model } : {}),
      started_at: startedAt.toISOString(),
      duration_ms: Math.round(performance.now() - t0),
      summary,
      passed: summary.fail === 0,
      checks,
    };
  }

  private async runSuites(target: SuiteTarget, dialect: Dialect, timeoutMs: number, log: (line: string) => void): Promise<OutcomeCollector> {
    const previousExitCode = process.exitCode;
    if (!this.vitest) {
      const { createVitest } = await import("vitest/node");
      this.collector = new OutcomeCollector();
      this.vitest = await createVitest(
        "test",
        {
          config: packageFile("suites/vitest.config.ts"),
          root: packageRoot(),
          watch: false,
          reporters: [this.collector],
          provide: { rerankHarness: { target, checksModule: checksModuleUrl() } },
          // Backstop only: each request has its own deadline and checks give up on a dead target.
          testTimeout: Math.max(60_000, 8 * timeoutMs),
        },
        { logLevel: "silent" },
      );
    }
    const vitest = this.vitest;
    const collector = this.collector!;
    collector.reset(dialect);
    vitest.provide("rerankHarness", { target, checksModule: checksModuleUrl() });
    const areas = CHECK_AREAS.filter((a) => CATALOGUE.some((c) => c.area === a && matchesOnly(c.id, target.only)));
    const specs = await vitest.globTestSpecifications(areas.map((a) => `suites/${a}.conformance.ts`));

    // A whole run never outlives this, whatever the target does.
    const deadlineMs = Math.max(120_000, 20 * timeoutMs) + (target.dataset ? target.dataset.queries * timeoutMs : 0);
    const deadline = setTimeout(() => {
      log(`the suites ran past ${deadlineMs} ms: cancelling`);
      void vitest.cancelCurrentRun("keyboard-input");
    }, deadlineMs);
    deadline.unref();
    try {
      await vitest.runTestSpecifications(specs, true);
    } finally {
      clearTimeout(deadline);
      process.exitCode = previousExitCode; // vitest sets it on failures; the caller decides
    }
    return collector;
  }
}

/** URL of the module the suites import the checks from: this build's own (src .ts or dist .js). */
function checksModuleUrl(): string {
  const ext = extname(fileURLToPath(import.meta.url));
  return new URL(`./suite-api${ext}`, import.meta.url).href;
}
