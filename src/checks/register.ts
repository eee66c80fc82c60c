import { test, type TestContext } from "vitest";
import type { CheckContext, SuiteTarget } from "./context.js";
import { executeCheck } from "./execute.js";
import { applyExpectedFailures } from "./expected-failures.js";
import { formatFailure } from "./format.js";
import type {} from "./provided.js";
import type { CheckDefinition, CheckOutcome, ExpectedFailure } from "./types.js";

/**
 * The one place checks become vitest tests, for both suites/ (what `rerank-harness check` runs)
 * and `rerank-harness/vitest` (the user's own vitest): one concurrent test per check, named by
 * its id, whose outcome is kept on `task.meta.outcome` and shown through `settle`.
 */
export interface RegisterOptions {
  /** The context the checks run in, made in the caller's beforeAll; undefined when the target did not start. */
  context(): CheckContext | undefined;
  /** Known faults applied to each outcome before it is shown (rerankConformance: the dialect's list). */
  expected?(): Map<string, ExpectedFailure> | undefined;
  strict: boolean;
  /** What a check's own time budget is sized from (`budgetMs`), when it is known at registration. */
  budgetTarget?: SuiteTarget;
  /** The per-test timeout of a check with no budget of its own; undefined: the vitest config's. */
  testTimeoutMs?: number;
}

export function registerChecks(checks: readonly CheckDefinition[], options: RegisterOptions): void {
  for (const check of checks) {
    const budget = options.budgetTarget ? check.budgetMs?.(options.budgetTarget) : undefined;
    test.concurrent(
      check.id,
      async (t) => {
        const ctx = options.context();
        if (!ctx) throw new Error("the target did not start (see the beforeAll error)");
        let outcome = await executeCheck(check, ctx);
        const expected = options.expected?.();
        if (expected && expected.size > 0) outcome = applyExpectedFailures([outcome], expected, options.strict)[0]!;
        t.task.meta.outcome = outcome;
        settle(outcome, t);
      },
      budget ?? options.testTimeoutMs,
    );
  }
}

/**
 * How an outcome shows in vitest: pass passes, fail throws the check's evidence, skip is
 * vitest's skip with the reason, a warning passes with an annotation. The switch is
 * exhaustive, so a new status must say here how it maps: a known upstream fault is a runtime
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
      // Listed as a fault of the stock server (strict turns it into "fail").
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
