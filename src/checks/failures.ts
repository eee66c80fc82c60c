// The three ways a check ends other than passing; a leaf, so the context that throws them and
// the runner that catches them need not import each other.
import { HarnessError } from "../util/errors.js";
import type { Evidence } from "./evidence.js";

/** Thrown by a check whose assertion does not hold: a failure (MUST) or a warning (SHOULD). */
export class CheckFailure extends HarnessError {
  readonly code = "RH_CHECK_FAILED";
  readonly kind = "failed";
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
export class CheckWarning extends HarnessError {
  readonly code = "RH_CHECK_WARNING";
  readonly kind = "internal";
  constructor(
    message: string,
    readonly evidence: Evidence[] = [],
  ) {
    super(message);
  }
}

/** Thrown when the target cannot exercise the check (e.g. no API key configured for auth). */
export class CheckSkip extends HarnessError {
  readonly code = "RH_CHECK_SKIPPED";
  readonly kind = "internal";
}
