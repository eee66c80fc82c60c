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
import { afterAll, beforeAll, describe } from "vitest";
import { CATALOGUE, matchesOnly } from "../checks/catalogue/index.js";
import type { SuiteFidelity } from "../checks/fidelity/settings.js";
import { CheckContext } from "../checks/context.js";
import { suiteTargetFor } from "../checks/suite-target.js";
import { registerChecks } from "../checks/register.js";
import { preflight } from "../targets/preflight.js";
import { DEFAULT_FUZZ, DEFAULT_SEED } from "../checks/defaults.js";
import { checkOnly } from "../checks/only.js";
import { DEFAULT_TIMEOUT_MS } from "../util/defaults.js";
import { CHECK_AREAS } from "../checks/types.js";
import type { ScoreKind } from "../contract/dialect.js";
import type { StartedTarget } from "../targets/target.js";
import { startTarget, toTargetSpec, type TargetInput, type TargetOptions } from "../api/targets.js";
import { expectedFailuresFor } from "../checks/expected-failures.js";

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
  const timeoutMs = targetOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkOnly(only);
  const checks = CATALOGUE.filter((c) => matchesOnly(c.id, only));
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
    }, startupMs + timeoutMs);
    afterAll(async () => {
      await ctx?.close();
      await started?.stop();
    });
    for (const area of CHECK_AREAS) {
      const inArea = checks.filter((c) => c.area === area);
      if (inArea.length === 0) continue;
      describe(area, () => {
        registerChecks(inArea, {
          context: () => ctx,
          expected: () => (started ? expectedFailuresFor(started.dialect) : undefined),
          strict,
          testTimeoutMs: Math.max(60_000, 8 * timeoutMs),
        });
      });
    }
  });
}

export { settle } from "../checks/register.js";
export type { CheckOutcome } from "../checks/types.js";
export type { TargetInput, TargetOptions } from "../api/targets.js";
