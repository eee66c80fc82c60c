import type { Dialect } from "../contract/dialect.js";
import type { CheckContext, SuiteTarget } from "./context.js";
import type { CheckStatus } from "./status.js";

export type { CheckStatus } from "./status.js";
export type CheckLevel = "MUST" | "SHOULD";

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

/** One HTTP exchange (or transport failure) that a check outcome rests on; the key is already redacted. */
export interface Evidence {
  /** What this exchange was for, e.g. "top_n=2 of 4 documents". */
  label?: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  status?: number;
  contentType?: string;
  /** The first characters of the response body. */
  bodyStart?: string;
  /** A transport failure instead of a response. */
  error?: string;
  durationMs?: number;
}

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
  /** How long the check may take when that depends on the target's settings (default: the suite's test timeout). */
  budgetMs?(target: SuiteTarget): number | undefined;
}

/** Thrown by a check whose assertion does not hold: a failure (MUST) or a warning (SHOULD). */
export class CheckFailure extends Error {
  override readonly name = "CheckFailure";
  readonly code = "ERR_CHECK_FAILED";
  constructor(
    message: string,
    readonly evidence: Evidence[] = [],
  ) {
    super(message);
  }
}

/**
 * A deviation small enough to be a warning even for a MUST check (e.g. scores that differ
 * by more than 1e-5 but stay within the tolerance that GPU batching noise explains).
 */
export class CheckWarning extends Error {
  override readonly name = "CheckWarning";
  readonly code = "ERR_CHECK_WARNING";
  constructor(
    message: string,
    readonly evidence: Evidence[] = [],
  ) {
    super(message);
  }
}

/** Thrown when the target cannot exercise the check (e.g. no API key configured for auth). */
export class CheckSkip extends Error {
  override readonly name = "CheckSkip";
  readonly code = "ERR_CHECK_SKIPPED";
}

export interface CheckOutcome {
  id: string;
  area: string;
  level: CheckLevel;
  statement: string;
  source: string;
  status: CheckStatus;
  message?: string;
  evidence?: Evidence[];
  durationMs: number;
  /** Set when the check is listed as an expected failure (a known upstream fault, or --expect-failures). */
  known?: ExpectedFailure;
}

/** A check expected to fail, and why: from the dialect's known upstream faults or the user's --expect-failures file. */
export interface ExpectedFailure {
  check: string;
  reason: string;
  /** The upstream file (dialect) or `FILE:LINE` (--expect-failures) the entry comes from. */
  source: string;
  origin: "dialect" | "expect-failures";
}
