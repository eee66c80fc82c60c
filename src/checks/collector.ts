import type { Reporter, TestCase, TestModule } from "vitest/node";
import { getCheck, resolveSource } from "./catalogue/index.js";
import type { Dialect } from "../contract/dialect.js";
import type { CheckOutcome } from "./types.js";

/**
 * A vitest reporter that keeps each check's outcome (from task.meta) and prints nothing;
 * the CLI renders its own summary. Tests that died before recording an outcome (a timeout,
 * a suite that failed to load) still become outcomes, so no check goes missing silently.
 */
export class OutcomeCollector implements Reporter {
  outcomes = new Map<string, CheckOutcome>();
  problems: string[] = [];
  private dialect: Dialect | undefined;

  /** Starts collecting a new run. */
  reset(dialect: Dialect): void {
    this.outcomes = new Map();
    this.problems = [];
    this.dialect = dialect;
  }

  onTestCaseResult(testCase: TestCase): void {
    const recorded = (testCase.meta() as { outcome?: CheckOutcome }).outcome;
    if (recorded) {
      this.outcomes.set(recorded.id, recorded);
      return;
    }
    const check = getCheck(testCase.name);
    if (!check || !this.dialect) return;
    const result = testCase.result();
    const message = result.state === "failed" ? (result.errors?.[0]?.message ?? "failed") : result.state === "skipped" ? (result.note ?? "skipped") : undefined;
    this.outcomes.set(check.id, {
      id: check.id,
      area: check.area,
      level: check.level,
      statement: check.statement,
      source: resolveSource(check, this.dialect),
      status: result.state === "failed" ? "fail" : result.state === "skipped" ? "skip" : "pass",
      ...(message ? { message: message.split("\n")[0]! } : {}),
      duration_ms: Math.round(testCase.diagnostic()?.duration ?? 0),
    });
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message?: string }>): void {
    for (const m of modules) {
      for (const e of m.errors()) this.problems.push(`${m.moduleId}: ${e.message}`);
    }
    for (const e of unhandledErrors) this.problems.push(`unhandled: ${e.message ?? String(e)}`);
  }
}
