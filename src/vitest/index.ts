/**
 * `rerank-harness/vitest`: the conformance checks as tests in the user's own vitest run.
 *
 *   import { rerankConformance } from "rerank-harness/vitest";
 *   rerankConformance({ target: "http://127.0.0.1:8000", dialect: "tei" });
 *
 * One describe block per target, one per area inside it, one test per check named by its id.
 * The target starts (and, for a URL, is preflighted) in beforeAll, so a target that cannot
 * answer fails every check with the reason instead of hanging.
 */
import { afterAll, beforeAll, describe, test, type TestContext } from "vitest";
import { CATALOGUE, matchesOnly } from "../checks/catalogue/index.js";
import type { SuiteFidelity } from "../checks/fidelity/collect.js";
import { CheckContext } from "../checks/context.js";
import { suiteTargetFor } from "../checks/suite-target.js";
import { executeCheck } from "../checks/execute.js";
import { formatFailure } from "../checks/format.js";
import { preflight } from "../checks/preflight.js";
import { DEFAULT_FUZZ, DEFAULT_SEED } from "../checks/run.js";
import { CHECK_AREAS, type CheckOutcome } from "../checks/types.js";
import type { ScoreKind } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import { startTarget, toTargetSpec, type TargetInput, type TargetOptions } from "../api/targets.js";
import { applyExpectedFailures, expectedFailuresFor } from "../checks/expected-failures.js";

export interface RerankConformanceOptions extends TargetOptions {
  /** What to check: a --target spec (`http://…`, `embedded`, `process:…`, `container:tei`, `jina`) or a parsed one. Default `embedded`. */
  target?: TargetInput;
  /** SHOULD failures and warnings fail too. */
  strict?: boolean;
  /** Generated requests per fuzz check (default 50; 0: none). */
  fuzz?: number;
  seed?: number;
  /** Check-id prefixes to register (default: all), e.g. ["sort.", "top_n."]. */
  only?: string[];
  scoreKind?: ScoreKind;
  /** Compare the scores with this model's own, computed locally (the fidelity checks skip without it). */
  fidelity?: SuiteFidelity;
  /** Title of the describe block (default: `rerank conformance <target>`). */
  name?: string;
}

/** Registers every selected check as a vitest test. Call it at the top level of a test file. */
export function rerankConformance(options: RerankConformanceOptions = {}): void {
  const { target: input = "embedded", strict = false, fuzz = DEFAULT_FUZZ, seed = DEFAULT_SEED, only, scoreKind, fidelity, name, ...targetOptions } = options;
  const spec = toTargetSpec(input);
  const timeoutMs = targetOptions.timeoutMs ?? 30_000;
  const checks = CATALOGUE.filter((c) => matchesOnly(c.id, only));
  if (checks.length === 0) throw new Error(`rerankConformance: only ${JSON.stringify(only)} selects no check`);
  // A container may pull an image and load a model; a process gets the CLI's 120 s.
  const startupMs = targetOptions.startupTimeoutMs ?? (spec.kind === "container" ? 15 * 60_000 : 120_000);

  let started: StartedTarget | undefined;
  let ctx: CheckContext | undefined;
  describe(name ?? `rerank conformance ${spec.raw}`, () => {
    beforeAll(async () => {
      started = await startTarget(spec, targetOptions);
      await preflight(started, timeoutMs);
      const suiteTarget = suiteTargetFor(started, {
        timeoutMs,
        strict,
        fuzz,
        seed,
        ...(only ? { only } : {}),
        ...(scoreKind ? { scoreKind } : {}),
        ...(fidelity ? { fidelity } : {}),
      });
      ctx = new CheckContext(suiteTarget);
    }, startupMs + 30_000);
    afterAll(async () => {
      await ctx?.close();
      await started?.stop();
    });
    for (const area of CHECK_AREAS) {
      const inArea = checks.filter((c) => c.area === area);
      if (inArea.length === 0) continue;
      describe(area, () => {
        for (const check of inArea) {
          test.concurrent(
            check.id,
            async (t) => {
              if (!ctx) throw new Error("the target did not start (see the beforeAll error)");
              const [outcome] = applyExpectedFailures([await executeCheck(check, ctx)], expectedFailuresFor(started!.dialect), strict);
              settle(outcome!, t);
            },
            Math.max(60_000, 8 * timeoutMs),
          );
        }
      });
    }
  });
}

/**
 * How an outcome shows in vitest: pass passes, fail throws the check's evidence, skip is
 * vitest's skip with the reason, a warning passes with an annotation. The switch is
 * exhaustive, so a new status (KNOWN upstream faults) must say here how it maps: a runtime
 * skip with its note, since vitest's `fails`/`todo` are decided before a test runs.
 */
export function settle(outcome: CheckOutcome, t: Pick<TestContext, "skip" | "annotate">): void {
  switch (outcome.status) {
    case "pass":
      return;
    case "warn":
      void t.annotate(`warning: ${outcome.message ?? outcome.statement}`, "warning");
      return;
    case "skip":
      t.skip(outcome.message);
      return;
    case "fail":
      throw new Error(formatFailure(outcome));
    case "known":
      // The dialect lists it as a fault of the stock server (strict turns it into "fail").
      t.skip(`KNOWN: ${outcome.message ?? outcome.statement}`);
      return;
    case "xpass":
      void t.annotate(`XPASS: ${outcome.message ?? outcome.statement}`, "warning");
      return;
    default: {
      const unhandled: never = outcome.status;
      throw new Error(`unhandled check status ${String(unhandled)}`);
    }
  }
}

export type { CheckOutcome } from "../checks/types.js";
export type { TargetInput, TargetOptions } from "../api/targets.js";
