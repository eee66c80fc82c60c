import type { Dialect } from "../contract/dialect.js";
import type { CheckContext, SuiteTarget } from "./context.js";
import type { CheckLevel } from "./report.js";

export type { CheckStatus } from "./status.js";
export type { Evidence } from "./evidence.js";
export { CheckFailure, CheckSkip, CheckWarning } from "./failures.js";
export type { CheckOutcome, CheckLevel, KnownFault } from "./report.js";

/** Areas, in the order reports group them. */
export const CHECK_AREAS = [
  "schema",
  "sort",
  "top_n",
  "documents",
  "scores",
  "relevance",
  "fidelity",
  "invariance",
  "input",
  "paths",
  "errors",
  "usage",
  "auth",
  "fuzz",
] as const;
export type CheckArea = (typeof CHECK_AREAS)[number];

export interface CheckDefinition {
  /** Stable id, `area.name` (e.g. `sort.descending`); reports, --only and CI history key on it. */
  id: string;
  area: CheckArea;
  level: CheckLevel;
  /** One sentence: what the check asserts. */
  statement: string;
  /** Where the expectation comes from; dialect-specific sources come from the dialect's data. */
  source: string | ((dialect: Dialect) => string);
  /** null when the check applies to the dialect; otherwise why it does not (the check is skipped). */
  skipReason(dialect: Dialect): string | null;
  /** Resolves when the check holds; a string it resolves to is kept as the passing outcome's message (e.g. a measured figure). */
  run(ctx: CheckContext): Promise<void | string>;
  /**
   * Runs with nothing else of the run in flight (see exclusive.ts): for checks whose verdict a
   * concurrent request could change (the invariance checks).
   */
  exclusive?: boolean;
  /** How long the check may take when that depends on the target's settings (default: the suite's test timeout). */
  budgetMs?(target: SuiteTarget): number | undefined;
}

/**
 * A check expected to fail, and why: from the dialect's known upstream faults or the user's
 * --expect-failures file. An input: an outcome it matches carries it as `known_fault`.
 */
export interface ExpectedFailure {
  check: string;
  reason: string;
  /** The upstream file (dialect) or `FILE:LINE` (--expect-failures) the entry comes from. */
  source: string;
  origin: "dialect" | "expect-failures";
}
